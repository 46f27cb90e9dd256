// etc-files.ts — /etc/hosts and /etc/resolv.conf as Docker writes them for a container on networks.

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

// #region resolv-conf
/**
 * Docker's rules (libnetwork/resolvconf): `--dns` replaces the host's
 * nameservers; on a user-defined network the one nameserver is the
 * network's own DNS server, and `--dns` servers become where it forwards.
 * `--dns-search` replaces the host's search list, `--dns-option` adds
 * options. Loopback nameservers of the host mean nothing inside a network
 * namespace and are dropped; no public resolver is ever put in their place.
 */
export function resolvConf(host: string, o: { dns: string[]; search: string[]; options: string[]; embedded?: string }): string {
  const lines = host.split('\n').map((l) => l.trim());
  const field = (key: string) => lines.filter((l) => l.startsWith(`${key} `) || l.startsWith(`${key}\t`)).map((l) => l.slice(key.length).trim());
  const hostServers = field('nameserver').filter((s) => !s.startsWith('127.') && s !== '::1');
  const servers = o.embedded ? [o.embedded] : o.dns.length ? o.dns : hostServers;
  const search = o.search.length ? o.search : field('search').flatMap((s) => s.split(/\s+/));
  const options = [...(o.embedded ? ['ndots:0'] : []), ...field('options').flatMap((s) => s.split(/\s+/)), ...o.options];
  const out = servers.map((s) => `nameserver ${s}`);
  if (search.length && !(search.length === 1 && search[0] === '.')) out.push(`search ${search.join(' ')}`);
  if (options.length) out.push(`options ${[...new Set(options)].join(' ')}`);
  return `${out.join('\n')}\n`;
}
// #endregion resolv-conf
