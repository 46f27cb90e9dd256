// endpoints.ts — a container plugged into its networks while it runs, and unplugged when it stops.

import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { macFor, plugIn, unplug } from '../../01-namespaces/index.js';
import { EMBEDDED_DNS } from './dns-server.js';
import { hostsFile, resolvConf } from './etc-files.js';
import type { NameTable } from './name-table.js';
import { bridgeNameOf, isUserDefined, type EndpointRecord, type NetworkRecord, type NetworkSettings } from './network-record.js';
import type { NetworkStore } from './network-store.js';

// #region networked-container
/** What wiring needs to know of a container; the daemon's record supplies it. */
export interface NetworkedContainer {
  id: string;
  name: string;
  hostname: string;
  /** Where its hosts and resolv.conf are, bind-mounted into it (chapter 02). */
  dir: string;
  settings: NetworkSettings;
  dns: string[];
  dnsSearch: string[];
  dnsOptions: string[];
  extraHosts: string[];
}

/** The host end of a container's veth on a network: short, stable, unique per pair (IFNAMSIZ is 16 bytes with the NUL). */
const hostInterface = (containerId: string, networkId: string): string =>
  `veth${createHash('sha256').update(`${containerId}/${networkId}`).digest('hex').slice(0, 7)}`;
// #endregion networked-container

// #region plug
/** The container joins one bridge network: an address, a veth, a route if it is the first way out, its names in the network's DNS. */
export async function plugEndpoint(store: NetworkStore, names: NameTable, c: NetworkedContainer, pid: number, net: NetworkRecord, e: EndpointRecord): Promise<void> {
  const pool = store.pool(net);
  const { Gateway, Subnet } = net.IPAM.Config[0]!;
  const prefix = Number(Subnet.split('/')[1]);
  const address = pool.allocate(c.id, e.IPAMConfig?.IPv4Address ?? undefined);
  const used = Object.values(c.settings.Networks).filter((x) => x.IPAddress).length;
  const hasRoute = Object.values(c.settings.Networks).some((x) => x.IPAddress && x.Gateway);
  const hostName = hostInterface(c.id, net.Id);
  try {
    await plugIn({
      bridge: bridgeNameOf(net), hostName, name: `eth${used}`, pid, address, prefix, mac: macFor(address),
      gateway: net.Internal || hasRoute ? undefined : Gateway,
    });
  } catch (err) {
    pool.release(c.id);
    throw err;
  }
  Object.assign(e, {
    EndpointID: randomBytes(32).toString('hex'), Gateway: net.Internal ? '' : Gateway, IPAddress: address, IPPrefixLen: prefix,
    MacAddress: macFor(address), HostInterface: hostName,
    DNSNames: isUserDefined(net) ? [c.name, c.id.slice(0, 12), ...(e.Aliases ?? [])] : null,
  });
  registerNames(names, c, net, e);
}

export function registerNames(names: NameTable, c: NetworkedContainer, net: NetworkRecord, e: EndpointRecord): void {
  if (e.IPAddress && e.DNSNames) names.register(c.id, net.Id, e.DNSNames, e.IPAddress, c.dns);
}

/** Leaves the network: its names dropped, its address freed, the veth deleted if its namespace still holds it. */
export async function unplugEndpoint(store: NetworkStore, names: NameTable, c: NetworkedContainer, net: NetworkRecord | undefined, e: EndpointRecord): Promise<void> {
  if (net) {
    names.drop(c.id, net.Id);
    if (net.Driver === 'bridge') store.pool(net).release(c.id);
  }
  if (e.HostInterface) await unplug(e.HostInterface);
  Object.assign(e, { EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0, MacAddress: '', DNSNames: null });
  delete e.HostInterface;
}
// #endregion plug

// #region write-etc
/** Plugged into a user-defined network: the container has the embedded DNS server (Docker's test, libnetwork's enableDNS). */
export const onUserNetwork = (c: NetworkedContainer, store: NetworkStore): boolean =>
  Object.values(c.settings.Networks).some((e) => e.IPAddress && store.all().some((n) => n.Id === e.NetworkID && isUserDefined(n)));

/**
 * hosts and resolv.conf rewritten in place — they are bind-mounted files,
 * and a rename would leave the container looking at the old inode.
 */
export function writeEtcFiles(c: NetworkedContainer, store: NetworkStore): void {
  const live = Object.values(c.settings.Networks).filter((e) => e.IPAddress);
  const hosts = hostsFile(c.hostname, live.map((e) => e.IPAddress), c.extraHosts, live[0]?.Gateway || undefined);
  const host = existsSync('/etc/resolv.conf') ? readFileSync('/etc/resolv.conf', 'utf8') : '';
  const resolv = resolvConf(host, { dns: c.dns, search: c.dnsSearch, options: c.dnsOptions, embedded: onUserNetwork(c, store) ? EMBEDDED_DNS : undefined });
  writeFileSync(join(c.dir, 'hosts'), hosts);
  writeFileSync(join(c.dir, 'resolv.conf'), resolv);
}
// #endregion write-etc
