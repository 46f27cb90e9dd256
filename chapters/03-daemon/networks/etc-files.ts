// etc-files.ts — /etc/hosts and /etc/resolv.conf as Docker writes them for a container on networks.

import { isIP, isIPv4 } from 'node:net';

// #region hosts-file
const LOCAL_HOSTS = [
  '127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', 'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix', 'ff02::1\tip6-allnodes', 'ff02::2\tip6-allrouters',
];

/**
 * The loopback names, then each `--add-host NAME:IP` (`host-gateway` is
 * the gateway of the container's first network), then the container's own
 * name on each address it has — Docker's order (libnetwork/etchosts).
 */
export function hostsFile(hostname: string, addresses: string[], extraHosts: string[], gateway?: string): string {
  const extra = extraHosts.map((entry) => {
    const at = entry.search(/[:=]/);
    const [name, address] = [entry.slice(0, at), entry.slice(at + 1)];
    return `${address === 'host-gateway' ? (gateway ?? '') : address}\t${name}`;
  });
  return [...LOCAL_HOSTS, ...extra, ...addresses.map((a) => `${a}\t${hostname}`), ''].join('\n');
}
// #endregion hosts-file

// #region resolv-parse
interface Resolv {
  nameservers: string[];
  search: string[];
  options: string[];
  /** Lines the daemon does not interpret (sortlist, …), copied as they are. */
  other: string[];
}

/** resolv.conf(5) as the C library reads it: `domain` is an old `search`, the last `search` wins, `options` add up. */
function parseResolv(text: string): Resolv {
  const r: Resolv = { nameservers: [], search: [], options: [], other: [] };
  for (const line of text.split('\n')) {
    const [key, ...values] = line.trim().split(/\s+/);
    if (!key || key.startsWith('#') || key.startsWith(';')) continue;
    if (key === 'nameserver') {
      if (values[0] && isIP(values[0])) r.nameservers.push(values[0]);
    } else if (key === 'search' || key === 'domain') {
      if (values.length) r.search = values;
    } else if (key === 'options') r.options.push(...values);
    else r.other.push(line.trim());
  }
  return r;
}
// #endregion resolv-parse

// #region resolv-conf
/**
 * Docker's rules (moby's libnetwork/internal/resolvconf): `--dns`,
 * `--dns-search` and `--dns-option` each replace the host's line. On the
 * default bridge the host's nameservers are kept less those that cannot
 * work in another namespace — loopback ones, and IPv6 ones on an IPv4-only
 * network; Docker then falls back to Google's servers, Skiff to none. With
 * the embedded server (`embedded`: 127.0.0.11) it is the one nameserver,
 * and `ndots:0` is added unless an `ndots` option is there already, so that
 * a dotted name is asked as it is before any search domain is tried.
 */
export function resolvConf(host: string, o: { dns: string[]; search: string[]; options: string[]; embedded?: string }): string {
  const r = parseResolv(host);
  const kept = r.nameservers.filter((s) => isIPv4(s) && !s.startsWith('127.'));
  const servers = o.embedded ? [o.embedded] : o.dns.length ? o.dns : kept;
  const search = o.search.length ? o.search.filter((s) => s !== '.') : r.search;
  let options = o.options.length ? o.options : r.options;
  if (o.embedded) {
    const ndots = (opt: string) => opt.split(':')[0] === 'ndots';
    options = options.filter((opt) => !ndots(opt) || /^ndots:\d+$/.test(opt));
    if (!options.some(ndots)) options = [...options, 'ndots:0'];
  }
  const out = servers.map((s) => `nameserver ${s}`);
  if (search.length) out.push(`search ${search.join(' ')}`);
  if (options.length) out.push(`options ${options.join(' ')}`);
  return `${[...out, ...r.other].join('\n')}\n`;
}
// #endregion resolv-conf
