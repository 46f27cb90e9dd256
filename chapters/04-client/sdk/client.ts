// client.ts — the SDK's front door: one object per daemon.

import { Api, type ClientOptions } from './api.js';
import { Containers } from './containers.js';
import { Execs } from './exec.js';
import { Images } from './images.js';
import { Networks } from './networks.js';
import { System } from './system.js';
import type { PingResult } from './version.js';
import { Volumes } from './volumes.js';

// #region engine-client
/**
 * A client of one Engine API daemon — skiffd or dockerd alike.
 *
 * ```ts
 * const engine = new EngineClient();            // DOCKER_HOST, or the default sockets
 * const { Id } = await engine.containers.create({ Image: 'busybox', Cmd: ['echo', 'hi'] });
 * ```
 *
 * Nothing is sent until the first call; that call first agrees on the API
 * version with `/_ping`.
 */
export class EngineClient {
  /** Versioned requests, for endpoints the SDK has no method for. */
  readonly api: Api;
  readonly containers: Containers;
  readonly images: Images;
  /** Execs, once made with `containers.exec`. */
  readonly execs: Execs;
  readonly system: System;
  readonly networks: Networks;
  readonly volumes: Volumes;

  constructor(options: ClientOptions = {}) {
    this.api = new Api(options);
    this.containers = new Containers(this.api);
    this.images = new Images(this.api);
    this.execs = new Execs(this.api);
    this.system = new System(this.api);
    this.networks = new Networks(this.api);
    this.volumes = new Volumes(this.api);
  }
  // #endregion engine-client

  // #region engine-client-calls
  /** The daemon's address: `unix:///run/skiff/skiffd.sock`, `tcp://host:2376`. */
  get host(): string {
    return this.api.host;
  }

  /** `/_ping`: is the daemon there, what it speaks, and the version agreed on. */
  ping(signal?: AbortSignal): Promise<PingResult & { negotiated: string }> {
    return this.api.ping(signal);
  }

  /** The API version in use (negotiating it first if needed). */
  apiVersion(): Promise<string> {
    return this.api.apiVersion();
  }
}
// #endregion engine-client-calls
