// api.ts — versioned requests: the transport, plus the version agreed with the daemon.

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { resolveEndpoint, type HostOptions } from './host.js';
import { Transport, type RequestOptions } from './transport.js';
import { CLIENT_API_VERSION, negotiate, ping, type PingResult } from './version.js';

// #region client-options
/** How to reach the daemon, and which API version to speak. */
export interface ClientOptions extends HostOptions {
  /** Pin the API version and skip the negotiation (DOCKER_API_VERSION does the same). */
  apiVersion?: string;
}
// #endregion client-options

// #region api
/** Requests under `/v1.NN`, the version agreed with the daemon on first use. */
export class Api {
  readonly transport: Transport;
  private version?: Promise<string>;
  private pinned?: string;

  constructor(options: ClientOptions = {}) {
    this.transport = new Transport(resolveEndpoint(options));
    this.pinned = options.apiVersion ?? (options.env ?? process.env).DOCKER_API_VERSION ?? undefined;
  }

  /** The daemon's address, as the user would write it. */
  get host(): string {
    return this.transport.endpoint.host;
  }

  /** The API version in use: pinned, or min(daemon's, 1.50) after one `/_ping`. */
  apiVersion(): Promise<string> {
    if (this.pinned) return Promise.resolve(this.pinned);
    this.version ??= ping(this.transport).then((result) => negotiate(result.apiVersion));
    // A failed ping (daemon not there) must not be remembered for the next try.
    this.version.catch(() => (this.version = undefined));
    return this.version;
  }

  /** `/_ping`; also settles the version if nothing has yet. */
  async ping(signal?: AbortSignal): Promise<PingResult & { negotiated: string }> {
    const result = await ping(this.transport, signal);
    const negotiated = this.pinned ?? negotiate(result.apiVersion);
    this.version ??= Promise.resolve(negotiated);
    return { ...result, negotiated };
  }

  // #endregion api

  // #region api-requests
  async request(method: string, path: string, options?: RequestOptions): Promise<IncomingMessage> {
    return this.transport.request(method, await this.versioned(path), options);
  }

  async json<T>(method: string, path: string, options?: RequestOptions): Promise<T> {
    return this.transport.json<T>(method, await this.versioned(path), options);
  }

  async hijack(method: string, path: string, options?: RequestOptions): Promise<{ socket: Duplex; contentType: string }> {
    return this.transport.hijack(method, await this.versioned(path), options);
  }

  private async versioned(path: string): Promise<string> {
    return `/v${await this.apiVersion()}${path}`;
  }
}
// #endregion api-requests

export { CLIENT_API_VERSION };

// #region path-helpers
/** A name or id as one path segment. Image names keep their `/` (moby routes `{name:.*}`). */
export const seg = (value: string): string => encodeURIComponent(value);
export const imagePath = (name: string): string => name.split('/').map(encodeURIComponent).join('/');

/** Filters as the Engine API takes them: JSON of `{"key": {"value": true}}`. */
export type Filters = Record<string, string[]>;
export function filtersParam(filters: Filters | undefined): string | undefined {
  if (!filters || Object.keys(filters).length === 0) return undefined;
  const legacy: Record<string, Record<string, boolean>> = {};
  for (const [key, values] of Object.entries(filters)) legacy[key] = Object.fromEntries(values.map((v) => [v, true]));
  return JSON.stringify(legacy);
}
// #endregion path-helpers
