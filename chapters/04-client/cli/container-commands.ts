// container-commands.ts — the container verbs that need no terminal: ps, stop, rm, logs, top, stats…

import { existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { spawn } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CliError, list, str, type Cli, type Flags } from './cli.js';
import { checkOutput, writeOutput } from './output-file.js';
import { parseBytes, parseCpus, parseInteger, parseRestart } from './container-options.js';
import { ago, bytesSize, formatRows, goTime, humanSize, shortId, tabwrite } from './format.js';
import { inspectOutput } from './inspect.js';
import { readAll, type ContainerStats, type ContainerSummary, type EngineClient, type Filters, type HostConfig } from '../sdk/index.js';

// #region ps-rows
/** The columns `ps` can show, with the header each one gets in a table (docker's ContainerContext). */
const PS_HEADERS = {
  ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', CreatedAt: 'CREATED AT', RunningFor: 'CREATED', Ports: 'PORTS', State: 'STATE', Status: 'STATUS',
  Size: 'SIZE', Names: 'NAMES', Labels: 'LABELS', Mounts: 'MOUNTS', LocalVolumes: 'LOCAL VOLUMES', Networks: 'NETWORKS', Label: 'LABEL',
};

/** `sleep 100` → `"sleep 100"`; cut to 20 characters with an ellipsis unless --no-trunc. */
const quoteCommand = (command: string, trunc: boolean) => JSON.stringify(trunc && [...command].length > 20 ? `${[...command].slice(0, 19).join('')}…` : command);

/** One row of `ps`, its fields in the order `{{json .}}` prints them (Go sorts a map's keys). */
function psRow(c: ContainerSummary, trunc: boolean, now: number) {
  const labels = Object.entries(c.Labels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  return {
    Command: quoteCommand(c.Command ?? '', trunc),
    CreatedAt: goTime(new Date(c.Created * 1000)),
    ID: trunc ? shortId(c.Id) : c.Id,
    Image: trunc && shortId(c.ImageID ?? '') === shortId(c.Image ?? '') ? shortId(c.Image) : c.Image,
    Labels: labels.map(([k, v]) => `${k}=${v}`).join(','),
    LocalVolumes: String((c.Mounts ?? []).filter((m) => m.Driver === 'local').length),
    Mounts: (c.Mounts ?? []).map((m) => (m.Type === 'volume' ? m.Name : m.Source) ?? '').join(','),
    Names: (c.Names ?? []).map((n) => n.replace(/^\//, '')).filter((n) => !n.includes('/')).join(','),
    Networks: Object.keys((c as { NetworkSettings?: { Networks?: object } }).NetworkSettings?.Networks ?? {}).sort().join(','),
    Platform: null,
    Ports: (c.Ports ?? []).map((p) => (p.PublicPort ? `${p.IP}:${p.PublicPort}->${p.PrivatePort}/${p.Type}` : `${p.PrivatePort}/${p.Type}`)).join(', '),
    RunningFor: ago(c.Created, now),
    Size: c.SizeRootFs && c.SizeRootFs > 0 ? `${humanSize(c.SizeRw ?? 0)} (virtual ${humanSize(c.SizeRootFs)})` : humanSize(c.SizeRw ?? 0),
    State: c.State,
    Status: c.Status,
    Label: (key: string) => c.Labels?.[key] ?? '',
  };
}
// #endregion ps-rows

// #region ps
/** `-f key=value`, repeatable, as the Engine API's filters. */
export function parseFilters(values: string[]): Filters {
  const filters: Filters = {};
  for (const value of values) {
    const at = value.indexOf('=');
    if (at < 0) throw new CliError(`bad format of filter (expected name=value)`, 1);
    (filters[value.slice(0, at).toLowerCase()] ??= []).push(value.slice(at + 1));
  }
  return filters;
}

/** `skiff ps`: a table of containers, or ids, or a template per container. */
export async function ps(cli: Cli, _: string[], flags: Flags): Promise<void> {
  const engine = await cli.engine();
  const last = str(flags.last) ? parseInteger(str(flags.last)!, '-n, --last') : flags.latest ? 1 : -1;
  let format = str(flags.format) ?? (flags.quiet ? '{{.ID}}' : 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}');
  if (flags.size && !str(flags.format) && !flags.quiet) format += '\t{{.Size}}';
  if (format === 'table') format = 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}';
  const size = flags.size === true || (!flags.quiet && /\.Size/.test(format));
  const containers = await engine.containers.list({
    // Like the docker CLI, -n sends a limit alone: the daemon counts stopped containers too (moby's list.go).
    all: flags.all === true, limit: last > 0 ? last : undefined, size, filters: parseFilters(list(flags.filter)),
  });
  const now = Date.now();
  cli.out(formatRows(format, containers.map((c) => psRow(c, !flags['no-trunc'], now)), PS_HEADERS));
}
// #endregion ps

// #region each-container
/**
 * Runs `act` on every named container, printing each name that succeeded;
 * the failures are printed after, one line each, and make the exit status 1.
 */
async function eachContainer(cli: Cli, names: string[], act: (engine: EngineClient, name: string) => Promise<string | void>): Promise<number> {
  const engine = await cli.engine();
  const errors: string[] = [];
  for (const name of names) {
    try {
      const printed = await act(engine, name);
      cli.out(`${printed ?? name}\n`);
    } catch (error) {
      errors.push(describe(error));
    }
  }
  if (errors.length) throw new CliError(errors.join('\n'), 1);
  return 0;
}

const describe = (error: unknown): string =>
  (error as Error).name.endsWith('Error') && 'status' in (error as object) ? `Error response from daemon: ${(error as Error).message}` : (error as Error).message;

// #endregion each-container

// #region container-verbs
const timeoutOf = (flags: Flags) => (str(flags.timeout) ? parseInteger(str(flags.timeout)!, '-t, --timeout') : undefined);

export const stop = (cli: Cli, names: string[], flags: Flags) =>
  eachContainer(cli, names, (e, n) => e.containers.stop(n, { timeout: timeoutOf(flags), stopSignal: str(flags.signal) }));
export const restart = (cli: Cli, names: string[], flags: Flags) =>
  eachContainer(cli, names, (e, n) => e.containers.restart(n, { timeout: timeoutOf(flags), stopSignal: str(flags.signal) }));
export const kill = (cli: Cli, names: string[], flags: Flags) => eachContainer(cli, names, (e, n) => e.containers.kill(n, { killSignal: str(flags.signal) }));
export const rm = (cli: Cli, names: string[], flags: Flags) =>
  eachContainer(cli, names, (e, n) => e.containers.remove(n, { force: flags.force === true, volumes: flags.volumes === true }));
export const pause = (cli: Cli, names: string[]) => eachContainer(cli, names, (e, n) => e.containers.pause(n));
export const unpause = (cli: Cli, names: string[]) => eachContainer(cli, names, (e, n) => e.containers.unpause(n));
export const wait = (cli: Cli, names: string[]) => eachContainer(cli, names, async (e, n) => String((await e.containers.wait(n)).StatusCode));

export async function rename(cli: Cli, [from, to]: string[]): Promise<void> {
  if (!to!.trim()) throw new CliError('Error: Neither old nor new names may be empty', 1);
  try {
    await (await cli.engine()).containers.rename(from!, to!);
  } catch (error) {
    throw new CliError(`${describe(error)}\nError: failed to rename container named ${from}`, 1);
  }
}

/** `skiff update`: new limits; prints each name. */
export const update = (cli: Cli, names: string[], flags: Flags) => {
  const resources: HostConfig = {};
  if (str(flags.memory)) resources.Memory = parseBytes(str(flags.memory)!, '-m, --memory');
  if (str(flags['memory-swap'])) resources.MemorySwap = str(flags['memory-swap']) === '-1' ? -1 : parseBytes(str(flags['memory-swap'])!, '--memory-swap');
  if (str(flags.cpus)) resources.NanoCpus = parseCpus(str(flags.cpus)!);
  if (str(flags['pids-limit'])) resources.PidsLimit = parseInteger(str(flags['pids-limit'])!, '--pids-limit');
  if (str(flags.restart)) resources.RestartPolicy = parseRestart(str(flags.restart)!);
  return eachContainer(cli, names, async (e, n) => void (await e.containers.update(n, resources)));
};
// #endregion container-verbs

// #region logs
/** `42m`, `1h30m`, an RFC 3339 time, or seconds: docker's GetTimestamp, as the seconds the API takes. */
export function apiTimestamp(value: string, now = Date.now()): string {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const duration = /^(\d+(?:\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(value)
    ? [...value.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)].reduce((sum, [, n, u]) => sum + Number(n) * units[u!]!, 0) : undefined;
  if (duration !== undefined) return ((now - duration) / 1000).toFixed(9);
  if (/^\d+(\.\d+)?$/.test(value)) return value;
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new CliError(`invalid value for "since": failed to parse value as time or duration: "${value}"`, 1);
  return (time / 1000).toFixed(9);
}

/** `skiff logs`: stdout to stdout and stderr to stderr, as the container wrote them. */
export async function logs(cli: Cli, [name]: string[], flags: Flags): Promise<void> {
  const engine = await cli.engine();
  const output = await engine.containers.logs(name!, {
    follow: flags.follow === true, timestamps: flags.timestamps === true, tail: str(flags.tail) ?? 'all',
    since: str(flags.since) && apiTimestamp(str(flags.since)!), until: str(flags.until) && apiTimestamp(str(flags.until)!),
  });
  await output.copyTo(process.stdout, process.stderr);
}
// #endregion logs

// #region top
/** `skiff top`: the container's processes, in ps's own columns. */
export async function top(cli: Cli, [name, ...psArgs]: string[]): Promise<void> {
  const result = await (await cli.engine()).containers.top(name!, { psArgs: psArgs.join(' ') || undefined });
  cli.out(tabwrite([result.Titles.join('\t'), ...result.Processes.map((p) => p.join('\t'))], 20));
}
// #endregion top

// #region stats-figures
/** CPU use between two samples, as a percentage of one CPU times the CPUs online (docker's calculateCPUPercentUnix). */
function cpuPercent(s: ContainerStats): number {
  const cpu = s.cpu_stats.cpu_usage.total_usage - (s.precpu_stats.cpu_usage?.total_usage ?? 0);
  const system = (s.cpu_stats.system_cpu_usage ?? 0) - (s.precpu_stats.system_cpu_usage ?? 0);
  return system > 0 && cpu > 0 ? (cpu / system) * (s.cpu_stats.online_cpus ?? 1) * 100 : 0;
}

/** Memory in use without the page cache, as docker computes it (cgroup v1 `total_inactive_file`, v2 `inactive_file`). */
const memoryUsed = (s: ContainerStats) => (s.memory_stats.usage ?? 0) - (s.memory_stats.stats?.total_inactive_file ?? s.memory_stats.stats?.inactive_file ?? 0);
// #endregion stats-figures

// #region stats
/** `skiff stats --no-stream`: one sample a container. (Live: the same table, redrawn every second.) */
export async function stats(cli: Cli, names: string[], flags: Flags): Promise<void> {
  const engine = await cli.engine();
  const ids = names.length ? names : (await engine.containers.list({ all: flags.all === true })).map((c) => c.Id);
  const format = str(flags.format) ?? 'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';
  const headers = { ID: 'CONTAINER ID', Container: 'CONTAINER', Name: 'NAME', CPUPerc: 'CPU %', MemUsage: 'MEM USAGE / LIMIT', MemPerc: 'MEM %', NetIO: 'NET I/O', BlockIO: 'BLOCK I/O', PIDs: 'PIDS' };
  const sample = async () => Promise.all(ids.map(async (id) => {
    const s = await engine.containers.stats(id);
    const used = memoryUsed(s);
    const limit = s.memory_stats.limit ?? 0;
    const net = Object.values(s.networks ?? {}).reduce((a, n) => [a[0]! + n.rx_bytes, a[1]! + n.tx_bytes], [0, 0]);
    const io = (s.blkio_stats?.io_service_bytes_recursive ?? []).reduce((a, e) => [a[0]! + (e.op.toLowerCase() === 'read' ? e.value : 0), a[1]! + (e.op.toLowerCase() === 'write' ? e.value : 0)], [0, 0]);
    return {
      BlockIO: `${humanSize(io[0]!)} / ${humanSize(io[1]!)}`, CPUPerc: `${cpuPercent(s).toFixed(2)}%`, Container: id,
      ID: flags['no-trunc'] ? (s.id ?? id) : shortId(s.id ?? id), MemPerc: `${(limit ? (used / limit) * 100 : 0).toFixed(2)}%`,
      MemUsage: `${bytesSize(used)} / ${bytesSize(limit)}`, Name: (s.name ?? '').replace(/^\//, ''), NetIO: `${humanSize(net[0]!)} / ${humanSize(net[1]!)}`,
      PIDs: String(s.pids_stats?.current ?? 0),
    };
  }));
  if (flags['no-stream']) return cli.out(formatRows(format, await sample(), headers));
  for (;;) {
    const rows = await sample();
    // Clear the screen and draw again, as `docker stats` does on a terminal.
    cli.out(`${process.stdout.isTTY ? '\x1b[2J\x1b[H' : ''}${formatRows(format, rows, headers)}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}
// #endregion stats

// #region diff-port
/** `skiff diff`: `C /etc`, `A /etc/new`, `D /gone`. */
export async function diff(cli: Cli, [name]: string[]): Promise<void> {
  const changes = (await (await cli.engine()).containers.changes(name!)) ?? [];
  cli.out(changes.map((c) => `${'CAD'[c.Kind]} ${c.Path}\n`).join(''));
}

/** `skiff port`: the container's published ports, `80/tcp -> 0.0.0.0:8080`. */
export async function port(cli: Cli, [name, which]: string[]): Promise<void> {
  const info = await (await cli.engine()).containers.inspect(name!);
  const ports = (info.NetworkSettings as { Ports?: Record<string, { HostIp: string; HostPort: string }[] | null> } | undefined)?.Ports ?? {};
  const wanted = which && (which.includes('/') ? which : `${which}/tcp`);
  const lines = Object.entries(ports).filter(([p]) => !wanted || p === wanted)
    .flatMap(([p, bindings]) => (bindings ?? []).map((b) => (wanted ? `${b.HostIp}:${b.HostPort}` : `${p} -> ${b.HostIp}:${b.HostPort}`)));
  if (wanted && !lines.length) throw new CliError(`Error: No public port '${wanted}' published for ${name}`, 1);
  cli.out(lines.map((l) => `${l}\n`).join(''));
}
// #endregion diff-port

// #region cp
/** `skiff cp`: either side may be `CONTAINER:PATH`; the bytes travel as tar through the archive endpoints. */
export async function cp(cli: Cli, [source, target]: string[]): Promise<void> {
  const engine = await cli.engine();
  const remote = (arg: string) => /^[^/.][^:]*:/.test(arg) ? { container: arg.slice(0, arg.indexOf(':')), path: arg.slice(arg.indexOf(':') + 1) } : undefined;
  const [from, to] = [remote(source!), remote(target!)];
  if (from && to) throw new CliError('copying between containers is not supported', 1);
  if (!from && !to) throw new CliError('must specify at least one container source', 1);
  if (from) {
    const { tar, stat } = await engine.containers.getArchive(from.container, from.path);
    if (target === '-') return void (await pipeline(tar, process.stdout));
    const dest = resolve(target!);
    const intoDir = existsSync(dest) && statSync(dest).isDirectory();
    // GNU tar renames the archive's top entry when the destination is a new name.
    const args = intoDir ? ['-x', '-C', dest] : ['-x', '-C', dirname(dest), `--transform=s,^${escapeSed(stat.name)},${escapeReplacement(basename(dest))},`];
    return untar(tar, args);
  }
  const src = resolve(source!);
  if (!existsSync(src)) throw new CliError(`lstat ${src}: no such file or directory`, 1);
  const destStat = await engine.containers.statPath(to!.container, to!.path).catch(() => undefined);
  const intoDir = destStat !== undefined && (destStat.mode & 0x80000000) !== 0;
  const args = ['-c', '-C', dirname(src), ...(intoDir ? [] : [`--transform=s,^${escapeSed(basename(src))},${escapeReplacement(basename(to!.path))},`]), basename(src)];
  const tar = spawn('tar', args, { stdio: ['ignore', 'pipe', 'inherit'] });
  // Piped at once: Node drains a child's unread stdout when the child exits.
  const body = tar.stdout.pipe(new PassThrough());
  await engine.containers.putArchive(to!.container, intoDir ? to!.path : dirname(to!.path), body);
}

/** A name as a literal in the pattern of GNU tar's --transform (a sed `s` command). */
const escapeSed = (text: string) => text.replace(/[\\,.*[\]^$]/g, '\\$&');
/** A name as the replacement of that `s` command, where only `\`, `,` and `&` are special. */
const escapeReplacement = (text: string) => text.replace(/[\\,&]/g, '\\$&');

async function untar(tar: Readable, args: string[]): Promise<void> {
  const child = spawn('tar', args, { stdio: ['pipe', 'inherit', 'inherit'] });
  const exited = new Promise<number>((r) => child.once('close', (code) => r(code ?? 1)));
  await pipeline(tar, child.stdin);
  if ((await exited) !== 0) throw new CliError('tar could not unpack the copy', 1);
}
// #endregion cp

// #region export-prune-inspect
/** `skiff export`: the container's filesystem as tar, to -o or to a stdout that is not a terminal. */
export async function exportContainer(cli: Cli, [name]: string[], flags: Flags): Promise<void> {
  const output = str(flags.output);
  if (output) checkOutput(output, 'failed to export container');
  else if (process.stdout.isTTY) throw new CliError('cowardly refusing to save to a terminal. Use the -o flag or redirect', 1);
  const tar = await (await cli.engine()).containers.export(name!);
  await (output ? writeOutput(output, tar) : pipeline(tar, process.stdout));
}

/** Asks before a prune unless -f; only "y" or "Y" goes on, as docker's prompt. */
export async function confirm(cli: Cli, warning: string, force: boolean): Promise<boolean> {
  if (force) return true;
  cli.out(`${warning}\nAre you sure you want to continue? [y/N] `);
  const answer = (await readAll(process.stdin)).toString('utf8').split('\n')[0]!.trim();
  return answer === 'y' || answer === 'Y';
}

/** `skiff container prune`. */
export async function prune(cli: Cli, _: string[], flags: Flags): Promise<void> {
  if (!(await confirm(cli, 'WARNING! This will remove all stopped containers.', flags.force === true))) return;
  const result = await (await cli.engine()).containers.prune({ filters: parseFilters(list(flags.filter)) });
  const deleted = result.ContainersDeleted ?? [];
  cli.out(`${deleted.length ? `Deleted Containers:\n${deleted.map((id) => `${id}\n`).join('')}\n` : ''}Total reclaimed space: ${humanSize(result.SpaceReclaimed)}\n`);
}

/** `skiff container inspect`. */
export async function containerInspect(cli: Cli, names: string[], flags: Flags): Promise<void> {
  const engine = await cli.engine();
  const raws: string[] = [];
  const errors: string[] = [];
  for (const name of names) {
    try {
      raws.push((await readAll(await engine.api.request('GET', `/containers/${encodeURIComponent(name)}/json`, { query: { size: flags.size === true || undefined } }))).toString('utf8'));
    } catch (error) {
      errors.push(describe(error).replace(/^Error response from daemon: /, 'Error: '));
    }
  }
  cli.out(inspectOutput(raws, str(flags.format)));
  if (errors.length) throw new CliError(errors.join('\n'), 1);
}
// #endregion export-prune-inspect
