// ports.ts — `-p` and `-P` as the CLI sends them (PortBindings, PublishAllPorts), as a list of proxies to start.

import { InvalidArgumentError } from '../../01-namespaces/index.js';
import type { PortBinding } from './network-record.js';

// #region port-requests
export interface PortRequest {
  /** `80/tcp`: the key of NetworkSettings.Ports. */
  key: string;
  port: number;
  proto: 'tcp' | 'udp';
  hostIp: string;
  /** 0: any free port (an ephemeral one, chosen by the kernel at bind). */
  hostPort: number;
}

function parseKey(key: string): { port: number; proto: 'tcp' | 'udp' } {
  const [port = '', proto = 'tcp'] = key.split('/');
  if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) throw new InvalidArgumentError(`invalid port specification: "${key}"`);
  if (proto !== 'tcp' && proto !== 'udp') throw new InvalidArgumentError(`invalid proto: ${proto} (this daemon publishes tcp and udp)`);
  return { port: Number(port), proto };
}

/**
 * Every binding of `-p`, with an empty HostIp meaning the daemon's default
 * (`--ip`, 0.0.0.0 as in Docker); with `-P`, every exposed port not bound
 * already, on an ephemeral host port.
 */
export function portRequests(bindings: Record<string, PortBinding[] | null> | null | undefined, publishAll: boolean, exposed: string[], defaultIp: string): PortRequest[] {
  const requests: PortRequest[] = [];
  for (const [key, list] of Object.entries(bindings ?? {})) {
    const { port, proto } = parseKey(key);
    for (const b of list?.length ? list : [{ HostIp: '', HostPort: '' }]) {
      if (b.HostPort && !/^\d+$/.test(b.HostPort)) throw new InvalidArgumentError(`invalid host port ${JSON.stringify(b.HostPort)}: this daemon publishes single ports, not ranges`);
      requests.push({ key: `${port}/${proto}`, port, proto, hostIp: b.HostIp || defaultIp, hostPort: Number(b.HostPort || 0) });
    }
  }
  if (publishAll) {
    for (const key of exposed) {
      const { port, proto } = parseKey(key);
      if (!requests.some((r) => r.key === `${port}/${proto}`)) requests.push({ key: `${port}/${proto}`, port, proto, hostIp: defaultIp, hostPort: 0 });
    }
  }
  return requests;
}
// #endregion port-requests
