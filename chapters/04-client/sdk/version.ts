// version.ts — agreeing on an API version before the first real request, as
// the docker CLI's `negotiateAPIVersionPing` does; `DOCKER_API_VERSION` pins one.

import { readAll, type Transport } from './transport.js';
import { EngineError } from './errors.js';

// #region versions
/** The version this client's types are written from (moby api/swagger.yaml, Docker 28.2). */
export const CLIENT_API_VERSION = '1.50';
/** What a daemon that names no version is taken to speak. */
export const FALLBACK_API_VERSION = '1.24';

/** What `/_ping` says about the daemon. */
export interface PingResult {
  /** The daemon's newest API version (`Api-Version`), if it said. */
  apiVersion?: string;
  /** `Ostype`: linux or windows. */
  osType?: string;
  experimental: boolean;
  /** `Builder-Version`: 1 is the legacy builder, 2 BuildKit. */
  builderVersion?: string;
}
// #endregion versions

// #region ping
/** Asks `/_ping`, HEAD first as the docker CLI does, and reads its headers. */
export async function ping(transport: Transport, signal?: AbortSignal): Promise<PingResult> {
  let response;
  try {
    response = await transport.request('HEAD', '/_ping', { signal });
  } catch (error) {
    // Some daemons know no HEAD; only a 500 means the daemon itself is broken.
    if (!(error instanceof EngineError) || error.status === 500) throw error;
    response = await transport.request('GET', '/_ping', { signal });
  }
  await readAll(response);
  const header = (name: string) => {
    const value = response.headers[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  return {
    apiVersion: header('api-version'),
    osType: header('ostype'),
    experimental: header('docker-experimental') === 'true',
    builderVersion: header('builder-version'),
  };
}
// #endregion ping

// #region negotiate
/** The lower of two `major.minor` versions. */
export function lowerVersion(a: string, b: string): string {
  return compareVersions(a, b) <= 0 ? a : b;
}

/** Orders `1.9` before `1.41`: numerically, part by part. */
export function compareVersions(a: string, b: string): number {
  const [pa, pb] = [a, b].map((v) => v.split('.').map(Number));
  for (let i = 0; i < Math.max(pa!.length, pb!.length); i++) {
    const d = (pa![i] ?? 0) - (pb![i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** The version to speak with a daemon whose ping said `apiVersion`. */
export function negotiate(daemonVersion: string | undefined): string {
  return lowerVersion(daemonVersion ?? FALLBACK_API_VERSION, CLIENT_API_VERSION);
}
// #endregion negotiate
