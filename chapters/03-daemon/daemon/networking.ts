// networking.ts — a container record seen by the networks section: its endpoints, its DNS settings, its ports.

import { InvalidArgumentError } from '../../01-namespaces/index.js';
import { shortId } from '../../02-images/index.js';
import type { HostConfig } from '../api/index.js';
import { emptyEndpoint, type NetworkController, type NetworkedContainer, type NetworkSettings, type PortsWanted } from '../networks/index.js';
import type { Container } from './container.js';

// #region endpoints-at-create
type EndpointsConfig = Record<string, { Aliases?: string[] | null; IPAMConfig?: { IPv4Address?: string | null } | null } | null>;

/**
 * The networks a new container is on, from its NetworkMode and the
 * request's NetworkingConfig.EndpointsConfig: `default` is the `bridge`
 * network when the daemon has one (none otherwise), a name is a network's.
 * Aliases are for user-defined networks only, as in Docker.
 */
export function endpointsAtCreate(networks: NetworkController, mode: string, networkingConfig: unknown): NetworkSettings {
  const wanted = ((networkingConfig as { EndpointsConfig?: EndpointsConfig } | null)?.EndpointsConfig ?? {}) as EndpointsConfig;
  const name = mode === 'default' ? (networks.store.has('bridge') ? 'bridge' : 'none') : mode;
  const net = networks.store.find(name);
  const asked = wanted[name] ?? wanted[net.Id] ?? {};
  const predefined = ['bridge', 'host', 'none'].includes(net.Name);
  if (predefined && asked?.Aliases?.length) throw new InvalidArgumentError('network-scoped alias is supported only for containers in user defined networks');
  if (predefined && asked?.IPAMConfig?.IPv4Address) throw new InvalidArgumentError('user specified IP address is supported on user defined networks only');
  return { Networks: { [net.Name]: emptyEndpoint(net.Id, asked?.Aliases ?? null, asked?.IPAMConfig?.IPv4Address) }, Ports: {} };
}
// #endregion endpoints-at-create

// #region networked
/** The record's fields wiring needs; `settings` is the record's own object, changed in place and saved by the caller. */
export function networked(c: Container): NetworkedContainer {
  const r = c.record;
  const hc: HostConfig = r.HostConfig;
  r.NetworkSettings ??= { Networks: {}, Ports: {} };
  return {
    id: c.id, name: c.name, hostname: r.Config.Hostname || shortId(c.id), dir: c.dir, settings: r.NetworkSettings,
    dns: hc.Dns ?? [], dnsSearch: hc.DnsSearch ?? [], dnsOptions: hc.DnsOptions ?? [], extraHosts: hc.ExtraHosts ?? [],
  };
}

export function portsWanted(c: Container): PortsWanted {
  const hc = c.record.HostConfig;
  const exposed = Object.keys({ ...(c.record.Config.ExposedPorts ?? {}), ...(hc.PortBindings ?? {}) }).map((k) => (k.includes('/') ? k : `${k}/tcp`));
  return { bindings: hc.PortBindings as PortsWanted['bindings'], publishAll: !!hc.PublishAllPorts, exposed: [...new Set(exposed)] };
}

/** Whether the container has a network namespace of its own to wire (not `host`). */
export const wired = (c: Container): boolean => c.record.HostConfig.NetworkMode !== 'host';
// #endregion networked
