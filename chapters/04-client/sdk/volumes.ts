// volumes.ts — the volume endpoints: create, list, inspect, remove, prune.

import { Api, filtersParam, seg, type Filters } from './api.js';
import { readAll } from './transport.js';
import type { Cancellable } from './containers.js';
import type { Volume, VolumeCreateRequest, VolumeListResponse, VolumePruneResponse } from './types/volumes.js';

// #region volumes
/** The `/volumes` endpoints. */
export class Volumes {
  constructor(private readonly api: Api) {}

  /** `POST /volumes/create`: a name already taken answers with that volume, not an error. */
  create(request: VolumeCreateRequest = {}, options: Cancellable = {}): Promise<Volume> {
    return this.api.json('POST', '/volumes/create', { body: request, signal: options.signal });
  }

  /** `GET /volumes`: filters `dangling`, `driver`, `label`, `name`. */
  list(options: { filters?: Filters } & Cancellable = {}): Promise<VolumeListResponse> {
    return this.api.json('GET', '/volumes', { query: { filters: filtersParam(options.filters) }, signal: options.signal });
  }

  /** `GET /volumes/{name}`. */
  inspect(name: string, options: Cancellable = {}): Promise<Volume> {
    return this.api.json('GET', `/volumes/${seg(name)}`, options);
  }

  /** `DELETE /volumes/{name}`: 409 while a container uses it, `force` or not; `force` only makes a missing name no error. */
  async remove(name: string, options: { force?: boolean } & Cancellable = {}): Promise<void> {
    await readAll(await this.api.request('DELETE', `/volumes/${seg(name)}`, { query: { force: options.force || undefined }, signal: options.signal }));
  }

  /** `POST /volumes/prune`: unused anonymous volumes, or every unused one with the filter `all=true` (API 1.42). */
  prune(options: { filters?: Filters } & Cancellable = {}): Promise<VolumePruneResponse> {
    return this.api.json('POST', '/volumes/prune', { query: { filters: filtersParam(options.filters) }, signal: options.signal });
  }
}
// #endregion volumes
