// address-config.ts — a new network's subnet and gateway: as asked, or the first free one Docker would pick.

import {
  contains, formatAddress, formatSubnet, InvalidArgumentError, ip, overlaps, parseAddress, parseSubnet, routedSubnets, type Subnet,
} from '../../01-namespaces/index.js';

// #region default-pools
/**
 * Docker's default address pools: 172.17.0.0/16 to 172.31.0.0/16, then
 * 192.168.0.0/20 and on in steps of /20 (moby's ipamutils). A pool that
 * overlaps a route of the host, or another network, is skipped.
 */
function* candidatePools(): Generator<Subnet> {
  for (let b = 17; b <= 31; b++) yield parseSubnet(`172.${b}.0.0/16`);
  for (let c = 0; c < 256; c += 16) yield parseSubnet(`192.168.${c}.0/20`);
}

async function hostRoutes(): Promise<Subnet[]> {
  return routedSubnets(JSON.parse(await ip(['-4', '-json', 'route', 'show', 'table', 'all', 'type', 'unicast'])) as { dst: string }[]);
}
// #endregion default-pools

// #region address-config
/**
 * `--subnet` and `--gateway` checked (the gateway inside the subnet, the
 * subnet clear of every other network's); without a subnet, the first free
 * default pool; without a gateway, the subnet's first address.
 */
export async function addressConfig(asked: { Subnet?: string | null; Gateway?: string | null } | undefined, taken: Subnet[]): Promise<{ Subnet: string; Gateway: string }> {
  let subnet: Subnet;
  if (asked?.Subnet) {
    subnet = parseSubnet(asked.Subnet);
    if (subnet.prefix > 30) throw new InvalidArgumentError(`subnet ${asked.Subnet} is too small: a network needs a /30 or larger`);
    const clash = taken.find((t) => overlaps(t, subnet));
    if (clash) throw new InvalidArgumentError(`invalid pool request: Pool overlaps with other one on this address space (${formatSubnet(clash)})`);
  } else {
    const busy = [...taken, ...(await hostRoutes())];
    const free = [...candidatePools()].find((p) => !busy.some((b) => overlaps(b, p)));
    if (!free) throw new InvalidArgumentError('all predefined address pools have been fully subnetted');
    subnet = free;
  }
  const gateway = asked?.Gateway ?? formatAddress(subnet.base + 1);
  if (!contains(subnet, parseAddress(gateway))) throw new InvalidArgumentError(`no matching subnet for gateway ${gateway}`);
  return { Subnet: formatSubnet(subnet), Gateway: gateway };
}
// #endregion address-config
