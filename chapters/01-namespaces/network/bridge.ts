// bridge.ts — a Linux bridge: the switch a network's containers are plugged into.

import { writeFileSync } from 'node:fs';
import { deleteLink, ip, linkNames } from './ip.js';

// #region bridge
/**
 * Makes the bridge NAME with the gateway address on it, up. A bridge left
 * by a daemon before (found by name) is taken over. Forwarding is switched
 * off for packets that arrive on it (net.ipv4.conf.NAME.forwarding=0,
 * Documentation/networking/ip-sysctl.rst): a container reaches the
 * containers on its bridge and the host's gateway address, and nothing the
 * host would have to route for it — not another network's bridge, not the
 * outside.
 */
export async function ensureBridge(name: string, gateway: string, prefix: number): Promise<void> {
  if (!(await linkNames()).includes(name)) await ip(['link', 'add', name, 'type', 'bridge']);
  const has = (await bridgeAddresses(name)).some((a) => a.address === gateway && a.prefix === prefix);
  const batch = has ? [] : [`addr add ${gateway}/${prefix} dev ${name}`];
  await ip([], { batch: [...batch, `link set ${name} up`] });
  writeFileSync(`/proc/sys/net/ipv4/conf/${name}/forwarding`, '0');
}

/**
 * The IPv4 addresses on the link NAME (none if there is no such link). A
 * daemon that finds its default bridge already there takes the bridge's
 * address as the network's, as dockerd does with docker0, rather than
 * picking a free pool and adding a second address beside the first.
 */
export async function bridgeAddresses(name: string): Promise<{ address: string; prefix: number }[]> {
  if (!(await linkNames()).includes(name)) return [];
  const links = JSON.parse(await ip(['-4', '-json', 'addr', 'show', 'dev', name])) as { addr_info: { local: string; prefixlen: number }[] }[];
  return (links[0]?.addr_info ?? []).map((a) => ({ address: a.local, prefix: a.prefixlen }));
}

/** Removes the bridge; whatever veths were still attached to it are detached by the kernel. */
export const removeBridge = (name: string): Promise<void> => deleteLink(name);
// #endregion bridge
