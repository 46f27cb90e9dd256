// networks.ts — the network endpoints: create, list, inspect, remove, prune, connect, disconnect.

import { Api, filtersParam, seg, type Filters } from './api.js';
import { readAll } from './transport.js';
import type { Cancellable } from './containers.js';
import type { EndpointSettings, Network, NetworkCreateRequest, NetworkCreateResponse, NetworkPruneResponse } from './types/networks.js';

// #region networks
/** The `/networks` endpoints. A network is named by its name, its id, or an id prefix. */
export class Networks {
  constructor(private readonly api: Api) {}

  /** `POST /networks/create`: 409 when the name is taken. */
  create(request: NetworkCreateRequest, options: Cancellable = {}): Promise<NetworkCreateResponse> {
    return this.api.json('POST', '/networks/create', { body: request, signal: options.signal });
  }

  /** `GET /networks`: filters `name`, `id`, `driver`, `label`, `type` (builtin/custom), `scope`, `dangling`. */
  list(options: { filters?: Filters } & Cancellable = {}): Promise<Network[]> {
    return this.api.json('GET', '/networks', { query: { filters: filtersParam(options.filters) }, signal: options.signal });
  }

  /** `GET /networks/{id}`, with its running containers' endpoints. */
  inspect(id: string, options: Cancellable = {}): Promise<Network> {
    return this.api.json('GET', `/networks/${seg(id)}`, options);
  }

  /** `DELETE /networks/{id}`: 403 while a running container is on it. */
  async remove(id: string, options: Cancellable = {}): Promise<void> {
    await readAll(await this.api.request('DELETE', `/networks/${seg(id)}`, options));
  }

  /** `POST /networks/prune`: every user-defined network no container is on. */
  prune(options: { filters?: Filters } & Cancellable = {}): Promise<NetworkPruneResponse> {
    return this.api.json('POST', '/networks/prune', { query: { filters: filtersParam(options.filters) }, signal: options.signal });
  }

  /** `POST /networks/{id}/connect`: the container joins now if it runs, else when it starts. */
  async connect(id: string, container: string, endpoint: EndpointSettings = {}, options: Cancellable = {}): Promise<void> {
    await readAll(await this.api.request('POST', `/networks/${seg(id)}/connect`, { body: { Container: container, EndpointConfig: endpoint }, signal: options.signal }));
  }

  /** `POST /networks/{id}/disconnect`. */
  async disconnect(id: string, container: string, options: { force?: boolean } & Cancellable = {}): Promise<void> {
    await readAll(await this.api.request('POST', `/networks/${seg(id)}/disconnect`, { body: { Container: container, Force: options.force === true }, signal: options.signal }));
  }
}
// #endregion networks
