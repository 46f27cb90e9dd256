// system.ts — the daemon about itself, and its events.

import { Api, filtersParam, type Filters } from './api.js';
import { jsonLines } from './json-stream.js';
import type { Cancellable } from './containers.js';
import type { RegistryAuth } from './images.js';
import type { EventMessage, SystemDataUsage, SystemInfo, SystemVersion } from './types/system.js';

// #region system
/** `/version`, `/info`, `/system/df`, `/auth`, `/events`. */
export class System {
  constructor(private readonly api: Api) {}

  /** `GET /version`: the daemon's versions, and the API range it speaks. */
  version(options: Cancellable = {}): Promise<SystemVersion> {
    return this.api.json('GET', '/version', options);
  }

  /** `GET /info`: counts, drivers, the kernel, the host. */
  info(options: Cancellable = {}): Promise<SystemInfo> {
    return this.api.json('GET', '/info', options);
  }

  /** `GET /system/df`: what images, containers and volumes take on disk. */
  dataUsage(options: Cancellable = {}): Promise<SystemDataUsage> {
    return this.api.json('GET', '/system/df', options);
  }

  /** `POST /auth`: checks a registry login on the daemon's side. */
  login(auth: RegistryAuth, options: Cancellable = {}): Promise<{ Status: string; IdentityToken?: string }> {
    return this.api.json('POST', '/auth', { body: auth, signal: options.signal });
  }
  // #endregion system

  // #region events
  /**
   * `GET /events` as an async iterator. Without `until` it goes on for as
   * long as the daemon runs: end it by breaking out of the loop, or with
   * `signal` — then the loop throws the signal's AbortError, as Node's own
   * `events.on` does.
   */
  async *events(options: { since?: string; until?: string; filters?: Filters } & Cancellable = {}): AsyncGenerator<EventMessage> {
    const query = { since: options.since, until: options.until, filters: filtersParam(options.filters) };
    const response = await this.api.request('GET', '/events', { query, signal: options.signal });
    try {
      yield* jsonLines<EventMessage>(response);
    } finally {
      // Breaking out of the loop closes the connection, so the daemon stops sending.
      response.destroy();
    }
  }
}
// #endregion events
