// subnet.ts — IPv4 prefixes as numbers: parse, contain, overlap, count.

import { InvalidArgumentError } from '../errors.js';

// #region subnet
/** An IPv4 prefix: the network address as an unsigned 32-bit number, and its length. */
export interface Subnet {
  base: number;
  prefix: number;
}

export function parseAddress(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    throw new InvalidArgumentError(`invalid IPv4 address: ${text}`);
  }
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export const formatAddress = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');

const maskOf = (prefix: number): number => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);

/** `10.213.0.0/24`; host bits set (`10.213.0.5/24`) are refused, as Docker refuses them. */
export function parseSubnet(text: string): Subnet {
  const [address = '', length = '', extra] = text.split('/');
  const prefix = Number(length);
  if (extra !== undefined || !/^\d{1,2}$/.test(length) || prefix > 32) throw new InvalidArgumentError(`invalid CIDR address: ${text}`);
  const base = parseAddress(address);
  if ((base & maskOf(prefix)) >>> 0 !== base) throw new InvalidArgumentError(`invalid subnet ${text}: it should be ${formatSubnet({ base: (base & maskOf(prefix)) >>> 0, prefix })}`);
  return { base, prefix };
}

export const formatSubnet = (s: Subnet): string => `${formatAddress(s.base)}/${s.prefix}`;

export const contains = (s: Subnet, address: number): boolean => ((address & maskOf(s.prefix)) >>> 0) === s.base;

export const overlaps = (a: Subnet, b: Subnet): boolean => contains(a, b.base) || contains(b, a.base);

/** How many addresses the prefix spans, network and broadcast included. */
export const sizeOf = (s: Subnet): number => 2 ** (32 - s.prefix);
// #endregion subnet

// #region host-routes
/** The destinations the host routes already (`ip -json route`): a new network's subnet must not overlap one. */
export function routedSubnets(routes: { dst: string }[]): Subnet[] {
  return routes.filter((r) => r.dst !== 'default').map((r) => {
    const [address = '', length = '32'] = r.dst.split('/');
    const prefix = Number(length);
    return { base: (parseAddress(address) & maskOf(prefix)) >>> 0, prefix };
  });
}
// #endregion host-routes
