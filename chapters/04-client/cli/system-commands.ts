// system-commands.ts — inspect of any object, version, info, events, system df and prune, login and logout.

import { CliError, list, str, type Cli, type Flags } from './cli.js';
import { configFile, DOCKER_HUB, readConfig, writeConfig } from './credentials.js';
import { apiTimestamp, confirm, parseFilters } from './container-commands.js';
import { formatRows, humanSize, tabwrite } from './format.js';
import { inspectOutput } from './inspect.js';
import { parseTemplate, render } from './template.js';
import { CLIENT_API_VERSION, NotFoundError, readAll, type EngineClient } from '../sdk/index.js';

// #region inspect-any
/** Where `inspect` looks for a name, in docker's order; a 404 sends it to the next kind. */
const KINDS: Record<string, (name: string) => string> = {
  container: (n) => `/containers/${encodeURIComponent(n)}/json`,
  image: (n) => `/images/${n.split('/').map(encodeURIComponent).join('/')}/json`,
  network: (n) => `/networks/${encodeURIComponent(n)}`,
  volume: (n) => `/volumes/${encodeURIComponent(n)}`,
};

/** `skiff inspect NAME…`: containers, images, networks or volumes, whichever has the name. */
export async function inspect(cli: Cli, names: string[], flags: Flags): Promise<void> {
  const engine = await cli.engine();
  const type = str(flags.type);
  if (type && !KINDS[type]) throw new CliError(`"${type}" is not a valid value for --type`, 1);
  const raws: string[] = [];
  const errors: string[] = [];
  for (const name of names) {
    const raw = await findObject(engine, name, type ? [type] : Object.keys(KINDS), flags.size === true);
    if (raw !== undefined) raws.push(raw);
    else errors.push(`Error: No such ${type ?? 'object'}: ${name}`);
  }
  cli.out(inspectOutput(raws, str(flags.format)));
  if (errors.length) throw new CliError(errors.join('\n'), 1);
}

async function findObject(engine: EngineClient, name: string, kinds: string[], size: boolean): Promise<string | undefined> {
  for (const kind of kinds) {
    try {
      const query = kind === 'container' && size ? { size: true } : undefined;
      return (await readAll(await engine.api.request('GET', KINDS[kind]!(name), { query }))).toString('utf8');
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
  return undefined;
}
// #endregion inspect-any

// #region version
/** docker's version template, in the same words; the client part describes skiff. */
const VERSION_TEMPLATE = `{{with .Client -}}
Client:
 Version:\t{{.Version}}
 API version:\t{{.APIVersion}}{{if ne .APIVersion .DefaultAPIVersion}} (downgraded from {{.DefaultAPIVersion}}){{end}}
 Node version:\t{{.NodeVersion}}
 OS/Arch:\t{{.Os}}/{{.Arch}}
{{- end}}
{{- with .Server}}

Server:{{if .Platform.Name}} {{.Platform.Name}}{{end}}
{{- range .Components}}
 {{.Name}}:
{{- if eq .Name "Engine"}}
  Version:\t{{.Version}}
  API version:\t{{index .Details "ApiVersion"}} (minimum version {{index .Details "MinAPIVersion"}})
  Go version:\t{{index .Details "GoVersion"}}
  Git commit:\t{{index .Details "GitCommit"}}
  Built:\t{{index .Details "BuildTime"}}
  OS/Arch:\t{{index .Details "Os"}}/{{index .Details "Arch"}}
  Experimental:\t{{index .Details "Experimental"}}
{{- else}}
  Version:\t{{.Version}}
{{- range .DetailLines}}
  {{.}}
{{- end}}
{{- end}}
{{- end}}
{{- end}}
`;

// #endregion version

// #region version-command
/** `Sat Dec  6 12:00:00 2026`, Go's time.ANSIC, which docker shows build times in. */
const ansic = (iso: string) => {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const [wd, mon, day, time, year] = [d.toUTCString().slice(0, 3), d.toUTCString().slice(8, 11), d.getUTCDate(), d.toISOString().slice(11, 19), d.getUTCFullYear()];
  return `${wd} ${mon} ${String(day).padStart(2, ' ')} ${time} ${year}`;
};

/** `skiff version`: this client, then the daemon's components. */
export async function version(cli: Cli, _: string[], flags: Flags): Promise<number> {
  const engine = await cli.engine();
  const client = { Version: '0.1.0', APIVersion: CLIENT_API_VERSION, DefaultAPIVersion: CLIENT_API_VERSION, NodeVersion: process.version, Os: 'linux', Arch: process.arch === 'x64' ? 'amd64' : process.arch };
  let server: Record<string, unknown> | undefined;
  let failure: Error | undefined;
  try {
    client.APIVersion = await engine.apiVersion();
    const v = await engine.system.version();
    const components = (v.Components ?? []).map((c) => ({
      ...c, Details: Object.fromEntries(Object.entries(c.Details ?? {}).map(([k, x]) => [k, k === 'BuildTime' ? ansic(String(x)) : x])),
      DetailLines: Object.keys(c.Details ?? {}).sort().map((k) => `${k}:\t${String((c.Details ?? {})[k])}`),
    }));
    server = { ...v, Platform: v.Platform ?? { Name: '' }, Components: components };
  } catch (error) {
    failure = error as Error;
  }
  const template = str(flags.format) ?? VERSION_TEMPLATE;
  const text = render(parseTemplate(template), { Client: client, Server: server });
  cli.out(str(flags.format) ? `${text}\n` : tabwrite(text.replace(/\n$/, '').split('\n'), 20, 1));
  if (failure) throw failure;
  return 0;
}
// #endregion version-command

// #region info
/** `skiff info`: the daemon's facts in docker's order and words (the Server part of `docker info`). */
export async function info(cli: Cli, _: string[], flags: Flags): Promise<void> {
  const engine = await cli.engine();
  const i = await engine.system.info();
  if (str(flags.format)) return cli.out(`${render(parseTemplate(str(flags.format)!), i)}\n`);
  const lines = [
    'Client:', ' Version:    0.1.0', ' Context:    default', ' Debug Mode: false', '',
    'Server:',
    ` Containers: ${i.Containers}`, `  Running: ${i.ContainersRunning}`, `  Paused: ${i.ContainersPaused}`, `  Stopped: ${i.ContainersStopped}`,
    ` Images: ${i.Images}`, ` Server Version: ${i.ServerVersion}`, ` Storage Driver: ${i.Driver}`,
    ...(i.DriverStatus ?? []).map(([k, v]) => `  ${k}: ${v}`),
    ` Logging Driver: ${i.LoggingDriver ?? ''}`, ` Cgroup Driver: ${i.CgroupDriver ?? ''}`, ` Cgroup Version: ${i.CgroupVersion ?? ''}`,
    ' Plugins:', `  Volume: ${(i.Plugins?.Volume ?? []).join(' ')}`, `  Network: ${(i.Plugins?.Network ?? []).join(' ')}`, `  Log: ${(i.Plugins?.Log ?? []).join(' ')}`,
    ` Swarm: ${i.Swarm?.LocalNodeState ?? 'inactive'}`, ` Runtimes: ${Object.keys(i.Runtimes ?? {}).sort().join(' ')}`, ` Default Runtime: ${i.DefaultRuntime ?? ''}`,
    ` Init Binary: ${i.InitBinary ?? ''}`,
    ` containerd version: ${i.ContainerdCommit?.ID ?? ''}`, ` runc version: ${i.RuncCommit?.ID ?? ''}`, ` init version: ${i.InitCommit?.ID ?? ''}`,
    ...(i.SecurityOptions?.length ? [' Security Options:', ...i.SecurityOptions.flatMap(securityOption)] : []),
    ` Kernel Version: ${i.KernelVersion}`, ` Operating System: ${i.OperatingSystem}`, ` OSType: ${i.OSType}`, ` Architecture: ${i.Architecture}`,
    ` CPUs: ${i.NCPU}`, ` Total Memory: ${(i.MemTotal / 1024 ** 3).toFixed(2)}GiB`, ` Name: ${i.Name}`, ` ID: ${i.ID ?? ''}`,
    ` Docker Root Dir: ${i.DockerRootDir ?? ''}`, ` Debug Mode: ${i.Debug ? 'true' : 'false'}`, ` Experimental: ${i.ExperimentalBuild ? 'true' : 'false'}`,
    ` Live Restore Enabled: ${i.LiveRestoreEnabled ? 'true' : 'false'}`, '',
  ];
  cli.out(`${lines.join('\n')}\n`);
  for (const warning of i.Warnings ?? []) cli.err(`${warning}\n`);
}
/** `name=seccomp,profile=default` → `  seccomp` and `   Profile: default`, as docker lists security options. */
function securityOption(option: string): string[] {
  const pairs = option.split(',').map((kv) => kv.split('=') as [string, string]);
  const name = pairs.find(([k]) => k === 'name')?.[1] ?? option;
  return [`  ${name}`, ...pairs.filter(([k]) => k !== 'name').map(([k, v]) => `   ${k[0]!.toUpperCase()}${k.slice(1)}: ${v}`)];
}
// #endregion info

// #region events
/** Go's RFC3339NanoFixed in UTC from the exact `timeNano` digits (a JS number would round them). */
function eventTime(timeNano: string): string {
  const seconds = Number(timeNano.slice(0, -9) || '0');
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}.${timeNano.slice(-9).padStart(9, '0')}Z`;
}

/** `skiff events`: one line an event, `TIME TYPE ACTION ID (attr=value, …)`, until --until or ctrl-c. */
export async function events(cli: Cli, _: string[], flags: Flags): Promise<void> {
  const engine = await cli.engine();
  const query = {
    since: str(flags.since) && apiTimestamp(str(flags.since)!), until: str(flags.until) && apiTimestamp(str(flags.until)!),
    filters: list(flags.filter).length ? JSON.stringify(Object.fromEntries(Object.entries(parseFilters(list(flags.filter))).map(([k, v]) => [k, Object.fromEntries(v.map((x) => [x, true]))]))) : undefined,
  };
  const response = await engine.api.request('GET', '/events', { query });
  const template = str(flags.format) && parseTemplate(str(flags.format) === 'json' ? '{{json .}}' : str(flags.format)!);
  let pending = '';
  for await (const chunk of response) {
    pending += (chunk as Buffer).toString('utf8');
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
      const line = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      if (!line) continue;
      const event = JSON.parse(line) as { Type: string; Action: string; Actor: { ID: string; Attributes?: Record<string, string> } };
      if (template) {
        cli.out(`${render(template, event)}\n`);
        continue;
      }
      const nanos = /"timeNano":(\d+)/.exec(line)?.[1] ?? '0';
      const attributes = Object.entries(event.Actor.Attributes ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`);
      cli.out(`${eventTime(nanos)} ${event.Type} ${event.Action} ${event.Actor.ID}${attributes.length ? ` (${attributes.join(', ')})` : ''}\n`);
    }
  }
}
// #endregion events

// #region df
/** `skiff system df`: what images, containers, volumes and the build cache take, and what could go. */
export async function df(cli: Cli, _: string[], flags: Flags): Promise<void> {
  const usage = await (await cli.engine()).system.dataUsage();
  const size = (n: number) => humanSize(n, 4);
  const reclaim = (r: number, total: number) => (total > 0 ? `${size(r)} (${Math.floor((r * 100) / total)}%)` : size(r));
  const images = usage.Images ?? [];
  const used = images.filter((i) => i.Containers > 0 && i.SharedSize !== -1).reduce((a, i) => a + i.Size - i.SharedSize, 0);
  const containers = usage.Containers ?? [];
  const cSize = containers.reduce((a, c) => a + (c.SizeRw ?? 0), 0);
  const cFree = containers.filter((c) => c.State !== 'running').reduce((a, c) => a + (c.SizeRw ?? 0), 0);
  const volumes = usage.Volumes ?? [];
  const vSize = volumes.reduce((a, v) => a + Math.max(0, v.UsageData?.Size ?? 0), 0);
  const vFree = volumes.filter((v) => (v.UsageData?.RefCount ?? 0) === 0).reduce((a, v) => a + Math.max(0, v.UsageData?.Size ?? 0), 0);
  const cache = usage.BuildCache ?? [];
  const bSize = cache.filter((b) => !b.Shared).reduce((a, b) => a + b.Size, 0);
  const rows = [
    { Type: 'Images', TotalCount: String(images.length), Active: String(images.filter((i) => i.Containers > 0).length), Size: size(usage.LayersSize), Reclaimable: reclaim(usage.LayersSize - used, usage.LayersSize) },
    { Type: 'Containers', TotalCount: String(containers.length), Active: String(containers.filter((c) => c.State === 'running').length), Size: size(cSize), Reclaimable: reclaim(cFree, cSize) },
    { Type: 'Local Volumes', TotalCount: String(volumes.length), Active: String(volumes.filter((v) => (v.UsageData?.RefCount ?? 0) > 0).length), Size: size(vSize), Reclaimable: reclaim(vFree, vSize) },
    { Type: 'Build Cache', TotalCount: String(cache.length), Active: String(cache.filter((b) => b.InUse).length), Size: size(bSize), Reclaimable: size(cache.filter((b) => !b.InUse && !b.Shared).reduce((a, b) => a + b.Size, 0)) },
  ];
  const format = str(flags.format) ?? 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}';
  cli.out(formatRows(format, rows, { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' }));
}
// #endregion df

// #region system-prune
/** `skiff system prune`: stopped containers, unused networks, dangling images, build cache. */
export async function prune(cli: Cli, _: string[], flags: Flags): Promise<void> {
  const warning = `WARNING! This will remove:\n  - all stopped containers\n  - all networks not used by at least one container\n  - all ${flags.all ? 'images without at least one container associated to them' : 'dangling images'}\n  - ${flags.all ? 'all build cache' : 'unused build cache'}\n`;
  if (!(await confirm(cli, warning, flags.force === true))) return;
  const engine = await cli.engine();
  const filters = parseFilters(list(flags.filter));
  const containers = await engine.containers.prune({ filters });
  const networks = await engine.api.json<{ NetworksDeleted?: string[] | null }>('POST', '/networks/prune');
  const images = await engine.images.prune({ filters: { ...filters, ...(flags.all ? { dangling: ['false'] } : {}) } });
  const cache = await engine.api.json<{ SpaceReclaimed?: number }>('POST', '/build/prune', { query: { all: flags.all === true || undefined } }).catch(() => ({ SpaceReclaimed: 0 }));
  let out = '';
  if (containers.ContainersDeleted?.length) out += `Deleted Containers:\n${containers.ContainersDeleted.map((id) => `${id}\n`).join('')}\n`;
  if (networks.NetworksDeleted?.length) out += `Deleted Networks:\n${networks.NetworksDeleted.map((n) => `${n}\n`).join('')}\n`;
  if (images.ImagesDeleted?.length) out += `Deleted Images:\n${images.ImagesDeleted.map((d) => (d.Untagged ? `untagged: ${d.Untagged}\n` : `deleted: ${d.Deleted}\n`)).join('')}\n`;
  const total = containers.SpaceReclaimed + images.SpaceReclaimed + (cache.SpaceReclaimed ?? 0);
  cli.out(`${out}Total reclaimed space: ${humanSize(total)}\n`);
}
// #endregion system-prune

// #region login
/** `skiff login`: the daemon checks the credentials (POST /auth); they are kept as the docker CLI keeps them. */
export async function login(cli: Cli, [server = DOCKER_HUB]: string[], flags: Flags): Promise<void> {
  const username = str(flags.username);
  let password = str(flags.password);
  if (flags['password-stdin']) password = (await readAll(process.stdin)).toString('utf8').replace(/\r?\n$/, '');
  if (!username || password === undefined) throw new CliError('Error: Cannot perform an interactive login from a non TTY device', 1);
  const result = await (await cli.engine()).system.login({ username, password, serveraddress: server });
  const config = readConfig();
  // A refresh token from the registry's token server replaces the password, as the docker CLI keeps it.
  const entry = result.IdentityToken
    ? { auth: Buffer.from(`${username}:`).toString('base64'), identitytoken: result.IdentityToken }
    : { auth: Buffer.from(`${username}:${password}`).toString('base64') };
  config.auths = { ...config.auths, [server]: entry };
  writeConfig(config);
  cli.err(`\nWARNING! Your credentials are stored unencrypted in '${configFile()}'.\nConfigure a credential helper to remove this warning. See\nhttps://docs.docker.com/go/credential-store/\n\n`);
  cli.out(`${result.Status || 'Login Succeeded'}\n`);
}

/** `skiff logout`: forgets a registry's stored login. */
export async function logout(cli: Cli, [server = DOCKER_HUB]: string[]): Promise<void> {
  const config = readConfig();
  if (!config.auths?.[server]) return cli.out(`Not logged in to ${server}\n`);
  delete config.auths[server];
  writeConfig(config);
  cli.out(`Removing login credentials for ${server}\n`);
}
// #endregion login
