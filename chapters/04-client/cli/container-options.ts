// container-options.ts — `run`'s and `create`'s flags turned into the body of POST /containers/create.
//
// The daemon knows nothing of flags: `-e`, `-v`, `--memory 64m`, `--restart
// on-failure:3` are the client's to parse and check, into the fields of
// ContainerConfig and HostConfig (the docker CLI's cli/command/container/opts.go).
// A value that does not parse is refused here with docker's wording, before
// any request: `invalid argument "lots" for "-m, --memory" flag: …`, exit 125.

import { readFileSync } from 'node:fs';
import { CliError, FlagError, list, str, type Flags } from './cli.js';
import type { ContainerCreateRequest, EndpointSettings, HostConfig, Mount, RestartPolicy } from '../sdk/index.js';

// #region parse-values
/** `64m` → 67108864: docker's RAMInBytes, binary units, an optional `b`. */
export function parseBytes(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)(?:i?b)?$/i.exec(text.trim());
  if (!m) throw new FlagError(`invalid argument "${text}" for "${flag}" flag: invalid size: '${text}'`);
  return Math.floor(Number(m[1]) * 1024 ** ' kmgtp'.indexOf((m[2] || ' ').toLowerCase()));
}

/** `--cpus 1.5` → 1500000000 NanoCpus. */
export function parseCpus(text: string): number {
  const n = Number(text);
  if (!/^\d*\.?\d+$/.test(text) || !Number.isFinite(n)) throw new FlagError(`invalid argument "${text}" for "--cpus" flag: failed to parse ${text} as a rational number`);
  return Math.round(n * 1e9);
}

/** An integer flag, with Go's strconv wording for a bad one. */
export function parseInteger(text: string, flag: string): number {
  if (!/^-?\d+$/.test(text)) throw new FlagError(`invalid argument "${text}" for "${flag}" flag: strconv.ParseInt: parsing "${text}": invalid syntax`);
  return Number(text);
}

/** `no`, `always`, `unless-stopped`, `on-failure[:N]`. */
export function parseRestart(text: string): RestartPolicy {
  const [name, count] = text.split(':');
  if (!['no', 'always', 'unless-stopped', 'on-failure'].includes(name!) || (count !== undefined && (name !== 'on-failure' || !/^\d+$/.test(count)))) {
    throw new FlagError(`invalid restart policy format: ${text}`);
  }
  return { Name: name as RestartPolicy['Name'], MaximumRetryCount: count ? Number(count) : 0 };
}

// #endregion parse-values

// #region parse-env-mounts
/** `-e K=V` as is; a bare `-e K` takes K's value from this environment, or is left out. */
export function parseEnv(entries: string[], files: string[]): string[] {
  const fromFiles = files.flatMap((file) =>
    readFileSync(file, 'utf8').split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() && !l.trimStart().startsWith('#')));
  return [...fromFiles, ...entries].flatMap((entry) => {
    if (entry.includes('=')) return [entry];
    const value = process.env[entry];
    return value === undefined ? [] : [`${entry}=${value}`];
  });
}

/** `--mount type=bind,source=/a,target=/b,readonly`. */
export function parseMount(text: string): Mount {
  const mount: Mount = { Type: 'volume' };
  for (const field of text.split(',')) {
    const [key, value] = field.split('=', 2) as [string, string | undefined];
    switch (key.toLowerCase()) {
      case 'type': mount.Type = value as Mount['Type']; break;
      case 'source': case 'src': mount.Source = value; break;
      case 'target': case 'destination': case 'dst': mount.Target = value; break;
      case 'readonly': case 'ro': mount.ReadOnly = value === undefined || value === 'true' || value === '1'; break;
      case 'bind-propagation': mount.BindOptions = { Propagation: value }; break;
      case 'tmpfs-size': mount.TmpfsOptions = { ...mount.TmpfsOptions, SizeBytes: parseBytes(value ?? '', '--mount') }; break;
      default: throw new FlagError(`invalid argument "${text}" for "--mount" flag: unexpected key '${key}' in '${field}'`);
    }
  }
  if (!mount.Target) throw new FlagError(`invalid argument "${text}" for "--mount" flag: target is required`);
  return mount;
}
// #endregion parse-env-mounts

// #region parse-addresses
/** `10.1.2.3` as a 32-bit number, or undefined when it is not an IPv4 address. */
export function ipv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) < 256)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

/** An IPv4 address, or something shaped like an IPv6 one (the daemon checks it further). */
const isAddress = (text: string) => ipv4(text) !== undefined || (text.includes(':') && /^[0-9a-f:.]+$/i.test(text));

/** `--add-host name:ip` or `name=ip`, sent as `name:ip` (docker's ValidateExtraHost); `host-gateway` passes as is. */
export function parseExtraHost(text: string): string {
  const at = text.includes('=') ? text.indexOf('=') : text.indexOf(':');
  const [name, value] = [text.slice(0, at), text.slice(at + 1).replace(/^\[(.+)\]$/, '$1')];
  if (at <= 0 || name.includes(':')) throw new FlagError(`invalid argument "${text}" for "--add-host" flag: bad format for add-host: "${text}"`);
  if (value !== 'host-gateway' && !isAddress(value)) throw new FlagError(`invalid argument "${text}" for "--add-host" flag: invalid IP address in add-host: "${value}"`);
  return `${name}:${value}`;
}

/** `--dns` takes addresses only. */
function parseDns(text: string): string {
  if (!isAddress(text.trim())) throw new FlagError(`invalid argument "${text}" for "--dns" flag: IP address is not correctly formatted: ${text}`);
  return text.trim();
}
// #endregion parse-addresses

// #region parse-ports
type PortBindings = NonNullable<HostConfig['PortBindings']>;

/** `-p [IP:][HOSTPORT:]PORT[/PROTO]` and `--expose PORT[-END][/PROTO]` into ExposedPorts and PortBindings (docker's nat.ParsePortSpecs). */
export function parsePorts(publish: string[], expose: string[]): { exposed: Record<string, Record<string, never>>; bindings: PortBindings } {
  const exposed: Record<string, Record<string, never>> = {};
  const bindings: PortBindings = {};
  for (const spec of publish) {
    const [rest = '', proto = 'tcp'] = spec.split('/');
    const parts = rest.split(':');
    const [port = '', hostPort = '', hostIp = ''] = [...parts].reverse();
    if (parts.length > 3 || !/^\d+$/.test(port) || (hostPort && !/^\d+$/.test(hostPort))) throw new FlagError(`invalid argument "${spec}" for "-p, --publish" flag: invalid port specification: "${spec}"`);
    exposed[`${port}/${proto}`] = {};
    (bindings[`${port}/${proto}`] ??= [])!.push({ HostIp: hostIp, HostPort: hostPort });
  }
  for (const spec of expose) {
    const [range = '', proto = 'tcp'] = spec.split('/');
    const [start, end = start] = range.split('-').map(Number);
    if (!Number.isInteger(start) || !Number.isInteger(end) || spec.includes(':')) throw new CliError(`invalid port format for --expose: ${spec}`, 125);
    for (let p = start!; p <= end!; p++) exposed[`${p}/${proto}`] ??= {};
  }
  return { exposed, bindings };
}
// #endregion parse-ports

// #region network-request
const BUILTIN_MODES = ['default', 'bridge', 'host', 'none'];

/**
 * The network half of the create body: the mode, the one endpoint that
 * `--network-alias` and `--ip` describe, DNS and /etc/hosts entries, ports.
 * Aliases belong to user-defined networks only, as docker's parseNetworkOpts says.
 */
export function networkRequest(flags: Flags): { hostConfig: HostConfig; endpoints: Record<string, EndpointSettings>; exposed: Record<string, Record<string, never>> } {
  const mode = str(flags.network) ?? 'default';
  const aliases = list(flags['network-alias']);
  const ip = str(flags.ip);
  if (aliases.length && (BUILTIN_MODES.includes(mode) || mode.startsWith('container:'))) throw new Error('network-scoped aliases are only supported for user-defined networks');
  const endpoint: EndpointSettings = { ...(aliases.length ? { Aliases: aliases } : {}), ...(ip ? { IPAMConfig: { IPv4Address: ip } } : {}) };
  const { exposed, bindings } = parsePorts(list(flags.publish), list(flags.expose));
  return {
    hostConfig: {
      NetworkMode: mode, PortBindings: bindings, PublishAllPorts: flags['publish-all'] === true,
      Dns: list(flags.dns).map(parseDns), DnsSearch: list(flags['dns-search']), DnsOptions: list(flags['dns-option']), ExtraHosts: list(flags['add-host']).map(parseExtraHost),
      VolumesFrom: list(flags['volumes-from']),
      Tmpfs: Object.fromEntries(list(flags.tmpfs).map((t) => (t.includes(':') ? [t.slice(0, t.indexOf(':')), t.slice(t.indexOf(':') + 1)] : [t, '']))),
    },
    endpoints: Object.keys(endpoint).length ? { [mode]: endpoint } : {},
    exposed,
  };
}
// #endregion network-request

// #region create-request
/** The whole create body from the flags, the image and the command words. */
export function containerRequest(flags: Flags, image: string, command: string[], options: { detach: boolean; consoleSize?: [number, number] }): ContainerCreateRequest {
  const attach = list(flags.attach).map((s) => s.toLowerCase());
  const interactive = flags.interactive === true;
  const attachAll = !options.detach && attach.length === 0;
  const volumes = list(flags.volume);
  const entrypoint = str(flags.entrypoint);
  // Not a flag-parsing error: docker reports it as run's own failure (exit 125, no usage).
  if (flags.rm && str(flags.restart) && str(flags.restart) !== 'no') throw new Error('conflicting options: cannot specify both --restart and --rm');
  const network = networkRequest(flags);
  return {
    Hostname: str(flags.hostname) ?? '', User: str(flags.user) ?? '',
    AttachStdin: !options.detach && (interactive || attach.includes('stdin')),
    AttachStdout: attachAll || attach.includes('stdout'), AttachStderr: attachAll || attach.includes('stderr'),
    Tty: flags.tty === true, OpenStdin: interactive, StdinOnce: interactive && !options.detach, ExposedPorts: network.exposed,
    Env: parseEnv(list(flags.env), list(flags['env-file'])),
    Cmd: command.length ? command : null, Image: image,
    Volumes: Object.fromEntries(volumes.filter((v) => !v.includes(':')).map((v) => [v, {}])),
    WorkingDir: str(flags.workdir) ?? '',
    Entrypoint: entrypoint !== undefined ? [entrypoint] : null,
    Labels: Object.fromEntries(list(flags.label).map((l) => [l.split('=')[0]!, l.includes('=') ? l.slice(l.indexOf('=') + 1) : ''])),
    HostConfig: {
      Binds: volumes.filter((v) => v.includes(':')),
      Mounts: list(flags.mount).map(parseMount),
      ...network.hostConfig,
      RestartPolicy: parseRestart(str(flags.restart) ?? 'no'),
      AutoRemove: flags.rm === true,
      ReadonlyRootfs: flags['read-only'] === true,
      Init: flags.init === true ? true : null,
      Memory: str(flags.memory) ? parseBytes(str(flags.memory)!, '-m, --memory') : 0,
      NanoCpus: str(flags.cpus) ? parseCpus(str(flags.cpus)!) : 0,
      PidsLimit: str(flags['pids-limit']) ? parseInteger(str(flags['pids-limit'])!, '--pids-limit') : null,
      ConsoleSize: options.consoleSize ?? [0, 0],
    },
    NetworkingConfig: { EndpointsConfig: network.endpoints },
  };
}
// #endregion create-request
