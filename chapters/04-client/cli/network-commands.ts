// network-commands.ts — `skiff network create|ls|inspect|rm|prune|connect|disconnect`.
//
// What the client adds to the Engine API here is small but visible: the
// table `network ls` prints (sorted by name, as the docker CLI sorts it),
// the checks of `--subnet` and `--gateway` made before any request
// (docker/cli's createIPAMConfig), and the exit status of a partial `rm`.

import { CliError, list, str, type Cli, type Flags } from './cli.js';
import { confirm, parseFilters } from './container-commands.js';
import { ipv4 } from './container-options.js';
import { formatRows, goTimeText, naturalLess, shortId } from './format.js';
import { inspectOutput } from './inspect.js';
import { NotFoundError, readAll, type Ipam, type Network } from '../sdk/index.js';

// #region network-create
/** `k=v` pairs of a repeatable flag (`--label`, `-o`) as a map; a bare `k` maps to "". */
export const keyValues = (values: string[]): Record<string, string> =>
  Object.fromEntries(values.map((v) => (v.includes('=') ? [v.slice(0, v.indexOf('=')), v.slice(v.indexOf('=') + 1)] : [v, ''])));

/** A flag that, like pflag's StringSlice, also splits each value at commas: `--alias a,b`. */
export const commaList = (value: Flags[string]): string[] => list(value).flatMap((v) => v.split(',')).filter(Boolean);

/** `skiff network create NAME`: prints the new network's id. */
export async function create(cli: Cli, [name]: string[], flags: Flags): Promise<void> {
  const ipam = ipamConfig(commaList(flags.subnet), commaList(flags.gateway));
  const { Id } = await (await cli.engine()).networks.create({
    Name: name!, Driver: str(flags.driver) ?? 'bridge', Internal: flags.internal === true, Attachable: flags.attachable === true,
    IPAM: ipam, Options: keyValues(list(flags.opt)), Labels: keyValues(list(flags.label)),
  });
  cli.out(`${Id}\n`);
}
// #endregion network-create

// #region ipam-config
/** Whether `address` (an address or a CIDR) lies in `subnet`; docker's words for a subnet that does not parse. */
function inSubnet(subnet: string, address: string): boolean {
  const [base = '', bits = ''] = subnet.split('/');
  const start = ipv4(base);
  if (start === undefined || !/^\d+$/.test(bits) || Number(bits) > 32) throw new CliError(`invalid subnet: invalid CIDR address: ${subnet}`, 1);
  const ip = ipv4(address.split('/')[0]!);
  const size = 2 ** (32 - Number(bits));
  return ip !== undefined && Math.floor(ip / size) === Math.floor(start / size);
}

/** The IPAM block of the request: each gateway paired with the one subnet that holds it. */
function ipamConfig(subnets: string[], gateways: string[]): Ipam {
  if (subnets.length < gateways.length) throw new CliError('every ip-range or gateway must have a corresponding subnet', 1);
  subnets.forEach((s, i) => subnets.slice(0, i).forEach((t) => {
    if (inSubnet(s, t) || inSubnet(t, s)) throw new CliError('multiple overlapping subnet configuration is not supported', 1);
  }));
  const config = subnets.map((Subnet) => ({ Subnet, Gateway: undefined as string | undefined }));
  for (const gateway of gateways) {
    const holder = config.find((c) => inSubnet(c.Subnet, gateway));
    if (!holder) throw new CliError(`no matching subnet for gateway ${gateway}`, 1);
    if (holder.Gateway) throw new CliError(`cannot configure multiple gateways (${gateway}, ${holder.Gateway}) for the same subnet (${holder.Subnet})`, 1);
    holder.Gateway = gateway;
  }
  return { Driver: 'default', Config: config, Options: {} };
}
// #endregion ipam-config

// #region network-ls
const NETWORK_HEADERS = { ID: 'NETWORK ID', Name: 'NAME', Driver: 'DRIVER', Scope: 'SCOPE', IPv4: 'IPV4', IPv6: 'IPV6', Internal: 'INTERNAL', Labels: 'LABELS', CreatedAt: 'CREATED AT', Label: (key: string) => key };

/** One row of `network ls`, its fields in the order `{{json .}}` prints them. */
const networkRow = (n: Network, trunc: boolean) => ({
  CreatedAt: goTimeText(n.Created), Driver: n.Driver, ID: trunc ? shortId(n.Id) : n.Id,
  IPv4: String(n.EnableIPv4 ?? true), IPv6: String(n.EnableIPv6), Internal: String(n.Internal),
  Labels: Object.entries(n.Labels ?? {}).map(([k, v]) => `${k}=${v}`).join(','), Name: n.Name, Scope: n.Scope,
  Label: (key: string) => n.Labels?.[key] ?? '',
});

/** `skiff network ls`: a table of networks sorted by name, their ids, or a template each. */
export async function ls(cli: Cli, _: string[], flags: Flags): Promise<void> {
  const networks = await (await cli.engine()).networks.list({ filters: parseFilters(list(flags.filter)) });
  let format = str(flags.format) || 'table';
  if (format === 'table') format = flags.quiet ? '{{.ID}}' : 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}';
  networks.sort((a, b) => (naturalLess(a.Name, b.Name) ? -1 : naturalLess(b.Name, a.Name) ? 1 : 0));
  cli.out(formatRows(format, networks.map((n) => networkRow(n, !flags['no-trunc'])), NETWORK_HEADERS));
}
// #endregion network-ls

// #region network-verbs
/** `skiff network inspect`: the daemon's JSON as it sent it, or a template each; a name not found is reported after. */
export async function inspect(cli: Cli, names: string[], flags: Flags): Promise<void> {
  const engine = await cli.engine();
  const raws: string[] = [];
  const errors: string[] = [];
  for (const name of names) {
    try {
      raws.push((await readAll(await engine.api.request('GET', `/networks/${encodeURIComponent(name)}`, { query: { verbose: flags.verbose === true || undefined } }))).toString('utf8'));
    } catch (error) {
      errors.push(`Error response from daemon: ${(error as Error).message}`);
    }
  }
  cli.out(inspectOutput(raws, str(flags.format)));
  if (errors.length) throw new CliError(errors.join('\n'), 1);
}

/** `skiff network rm`: each name removed is printed; with -f a name not found is no error. docker ends a failure with `exit status 1`. */
export async function rm(cli: Cli, names: string[], flags: Flags): Promise<void> {
  const engine = await cli.engine();
  let failed = false;
  for (const name of names) {
    try {
      await engine.networks.remove(name);
      cli.out(`${name}\n`);
    } catch (error) {
      if (flags.force && error instanceof NotFoundError) continue;
      cli.err(`Error response from daemon: ${(error as Error).message}\n`);
      failed = true;
    }
  }
  if (failed) throw new CliError('exit status 1', 1);
}

// #endregion network-verbs

// #region network-prune-connect
/** `skiff network prune`: the names removed, and nothing when none was. */
export async function prune(cli: Cli, _: string[], flags: Flags): Promise<void> {
  if (!(await confirm(cli, 'WARNING! This will remove all custom networks not used by at least one container.', flags.force === true))) return;
  const { NetworksDeleted } = await (await cli.engine()).networks.prune({ filters: parseFilters(list(flags.filter)) });
  if (NetworksDeleted?.length) cli.out(`Deleted Networks:\n${NetworksDeleted.map((n) => `${n}\n`).join('')}\n`);
}

/** `skiff network connect [--alias A] [--ip IP] NETWORK CONTAINER`. */
export async function connect(cli: Cli, [network, container]: string[], flags: Flags): Promise<void> {
  const ip = str(flags.ip);
  await (await cli.engine()).networks.connect(network!, container!, { Aliases: commaList(flags.alias), ...(ip ? { IPAMConfig: { IPv4Address: ip } } : {}) });
}

/** `skiff network disconnect NETWORK CONTAINER`. */
export async function disconnect(cli: Cli, [network, container]: string[], flags: Flags): Promise<void> {
  await (await cli.engine()).networks.disconnect(network!, container!, { force: flags.force === true });
}
// #endregion network-prune-connect
