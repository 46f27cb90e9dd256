// endpoints.ts — where a registry name is served: scheme, TLS checks, and what bare names mean.

import { isIP } from 'node:net';

// #region endpoints
export interface HostsConfig {
  /** `host[:port]` of registries that may be reached over plain HTTP or unchecked TLS. */
  insecureRegistries: string[];
  /**
   * Base URLs that serve Docker Hub's names (`busybox` → `library/busybox`).
   * Unlike dockerd, skiffd does not fall back to Docker Hub behind them:
   * a host that sets one usually cannot reach it.
   */
  mirrors: string[];
}

export interface Endpoint {
  url: URL;
  /** TLS without certificate checks (tried first), then plain HTTP. */
  insecure: boolean;
}

export const DOCKER_HUB = 'docker.io';
const HUB_ENDPOINT = 'https://registry-1.docker.io';
// #endregion endpoints

// #region endpoint-order

/** 127.0.0.0/8 and ::1 are insecure by default, as in dockerd: nothing on the wire leaves the host. */
export function isLoopback(host: string): boolean {
  const name = host.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  if (name === 'localhost' || name === '::1') return true;
  return isIP(name) === 4 && name.startsWith('127.');
}

/**
 * The URLs to try for a registry domain, in order. An insecure registry is
 * tried over TLS without checks, then over HTTP (moby's lookupV2Endpoints);
 * any other only over TLS that checks the certificate.
 */
export function endpointsFor(domain: string, config: HostsConfig): Endpoint[] {
  if (domain === DOCKER_HUB) {
    if (config.mirrors.length === 0) return [{ url: new URL(HUB_ENDPOINT), insecure: false }];
    return config.mirrors.map((m) => {
      const url = new URL(m);
      return { url, insecure: url.protocol === 'http:' || isInsecure(url.host, config) };
    });
  }
  if (!isInsecure(domain, config)) return [{ url: new URL(`https://${domain}`), insecure: false }];
  return [{ url: new URL(`https://${domain}`), insecure: true }, { url: new URL(`http://${domain}`), insecure: true }];
}
// #endregion endpoint-order

// #region unreachable

function isInsecure(host: string, config: HostsConfig): boolean {
  return isLoopback(host) || config.insecureRegistries.includes(host);
}

/** The line a user reads when no endpoint answered; for Docker Hub, what to do about it. */
export function unreachableMessage(domain: string, failures: string[]): string {
  const why = failures.join('; ');
  if (domain !== DOCKER_HUB) return `cannot reach the registry ${domain}: ${why}`;
  return `cannot reach the registry for docker.io names (${why}): this host may have no route to Docker Hub; ` +
    'set "registry-mirrors" in the daemon config (or --registry-mirror) to pull names like busybox from another registry';
}
// #endregion unreachable
