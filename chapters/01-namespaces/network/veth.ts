// veth.ts — a virtual cable: one end on the bridge, the other inside the container.

import { deleteLink, ip } from './ip.js';

// #region endpoint
/** One container's place on one network. */
export interface Endpoint {
  /** The bridge the host end is plugged into. */
  bridge: string;
  /** The host end's name (at most 15 bytes, IFNAMSIZ). */
  hostName: string;
  /** The name inside the container: eth0, eth1… */
  name: string;
  /** Any process inside the container's network namespace (its PID 1). */
  pid: number;
  address: string;
  prefix: number;
  mac: string;
  /** The default route, unless the network is internal. */
  gateway?: string;
}

/** Docker's MAC address rule: 02:42 (locally administered) then the four bytes of the IPv4 address. */
export const macFor = (address: string): string =>
  ['02', '42', ...address.split('.').map((b) => Number(b).toString(16).padStart(2, '0'))].join(':');
// #endregion endpoint

// #region plug-in
/**
 * `ip link add … type veth peer name NAME netns PID` makes the pair with its
 * peer end already in the container's namespace (RTM_NEWLINK with
 * IFLA_NET_NS_PID, man 8 ip-link); the host end goes onto the bridge; then,
 * inside the namespace, in one `ip -batch`: the address, the link up, the
 * route. Loopback is brought up too, as a runtime does for a new namespace.
 */
export async function plugIn(e: Endpoint): Promise<void> {
  await ip(['link', 'add', e.hostName, 'type', 'veth', 'peer', 'name', e.name, 'netns', String(e.pid)]);
  try {
    await ip([], { batch: [`link set ${e.hostName} master ${e.bridge}`, `link set ${e.hostName} up`] });
    const inside = [`link set ${e.name} address ${e.mac}`, `addr add ${e.address}/${e.prefix} dev ${e.name}`, `link set ${e.name} up`, 'link set lo up'];
    if (e.gateway) inside.push(`route add default via ${e.gateway} dev ${e.name}`);
    await ip([], { pid: e.pid, batch: inside });
  } catch (err) {
    await unplug(e.hostName);
    throw err;
  }
}

/** Deleting one end of a veth pair deletes both; a namespace that died took its end along, and the host end with it. */
export const unplug = (hostName: string): Promise<void> => deleteLink(hostName);
// #endregion plug-in
