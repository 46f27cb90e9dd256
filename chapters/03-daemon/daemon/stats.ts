// stats.ts — `docker stats`: samples of a container's cgroup counters, as moby's StatsJSON.

import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { cgroupsPathOf, containerCgroup, readKeyValues, readNumber, readText, type ContainerCgroup } from './cgroup-files.js';
import type { Container } from './container.js';
import type { DaemonContext } from './context.js';
import { pathsOf } from './paths.js';

// #region stats-sample
interface CpuStats {
  cpu_usage: { total_usage: number; usage_in_kernelmode: number; usage_in_usermode: number; percpu_usage?: number[] };
  system_cpu_usage: number;
  online_cpus: number;
  throttling_data: { periods: number; throttled_periods: number; throttled_time: number };
}

const NO_CPU: CpuStats = {
  cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 }, system_cpu_usage: 0, online_cpus: 0,
  throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
};

/** The machine's CPU time in nanoseconds: the `cpu` line of /proc/stat, in USER_HZ ticks (100 a second). */
function systemCpuNs(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 8).map(Number);
  return fields.reduce((a, b) => a + b, 0) * 1e7;
}
// #endregion stats-sample

// #region cpu-stats
function cpuStats(cg: ContainerCgroup): CpuStats {
  const online = cpus().length;
  if (cg.version === 'v2') {
    const stat = readKeyValues(cg.dir('cpu'), 'cpu.stat');
    return {
      cpu_usage: { total_usage: (stat.usage_usec ?? 0) * 1000, usage_in_kernelmode: (stat.system_usec ?? 0) * 1000, usage_in_usermode: (stat.user_usec ?? 0) * 1000 },
      system_cpu_usage: systemCpuNs(), online_cpus: online,
      throttling_data: { periods: stat.nr_periods ?? 0, throttled_periods: stat.nr_throttled ?? 0, throttled_time: (stat.throttled_usec ?? 0) * 1000 },
    };
  }
  const acct = cg.dir('cpuacct') ?? cg.dir('cpu');
  const ticks = readKeyValues(acct, 'cpuacct.stat');
  const throttled = readKeyValues(cg.dir('cpu'), 'cpu.stat');
  return {
    cpu_usage: {
      total_usage: readNumber(acct, 'cpuacct.usage') ?? 0,
      percpu_usage: (readText(acct, 'cpuacct.usage_percpu') ?? '').trim().split(/\s+/).filter(Boolean).map(Number),
      usage_in_kernelmode: (ticks.system ?? 0) * 1e7, usage_in_usermode: (ticks.user ?? 0) * 1e7,
    },
    system_cpu_usage: systemCpuNs(), online_cpus: online,
    throttling_data: { periods: throttled.nr_periods ?? 0, throttled_periods: throttled.nr_throttled ?? 0, throttled_time: throttled.throttled_time ?? 0 },
  };
}
// #endregion cpu-stats

// #region stats-memory
/** A limit above the machine's memory (v1's "no limit" is 2^63 rounded down to a page) is shown as the machine's. */
function memoryStats(cg: ContainerCgroup): Record<string, unknown> {
  const dir = cg.dir('memory');
  const v2 = cg.version === 'v2';
  const limit = readNumber(dir, v2 ? 'memory.max' : 'memory.limit_in_bytes') ?? Infinity;
  return {
    usage: readNumber(dir, v2 ? 'memory.current' : 'memory.usage_in_bytes') ?? 0,
    ...(v2 ? {} : { max_usage: readNumber(dir, 'memory.max_usage_in_bytes') ?? 0, failcnt: readNumber(dir, 'memory.failcnt') ?? 0 }),
    stats: readKeyValues(dir, 'memory.stat'),
    limit: Math.min(limit, totalmem()),
  };
}

/** Bytes read and written, per device, as moby reports them (v1 blkio.throttle.io_service_bytes, v2 io.stat). */
function blkioStats(cg: ContainerCgroup): Record<string, unknown> {
  const entries: { major: number; minor: number; op: string; value: number }[] = [];
  if (cg.version === 'v2') {
    for (const line of (readText(cg.dir('blkio'), 'io.stat') ?? '').split('\n').filter(Boolean)) {
      const [device, ...pairs] = line.split(' ');
      const [major, minor] = device!.split(':').map(Number);
      const kv = Object.fromEntries(pairs.map((p) => p.split('=')));
      entries.push({ major: major!, minor: minor!, op: 'read', value: Number(kv.rbytes ?? 0) }, { major: major!, minor: minor!, op: 'write', value: Number(kv.wbytes ?? 0) });
    }
  } else {
    for (const line of (readText(cg.dir('blkio'), 'blkio.throttle.io_service_bytes') ?? '').split('\n')) {
      const [device, op, value] = line.split(' ');
      if (!device?.includes(':') || !op || value === undefined) continue;
      const [major, minor] = device.split(':').map(Number);
      entries.push({ major: major!, minor: minor!, op: op.toLowerCase(), value: Number(value) });
    }
  }
  return { io_service_bytes_recursive: entries };
}
// #endregion stats-memory

// #region stats
interface Sample { read: string; cpu: CpuStats; memory: Record<string, unknown>; pids: Record<string, number>; blkio: Record<string, unknown> }

function sample(ctx: DaemonContext, c: Container): Sample {
  const read = new Date().toISOString();
  if (!c.state.Running) return { read, cpu: NO_CPU, memory: {}, pids: {}, blkio: {} };
  const cg = containerCgroup(cgroupsPathOf(pathsOf(ctx, c).bundle, c.id));
  const pidsDir = cg.dir('pids');
  const pidsLimit = readNumber(pidsDir, 'pids.max');
  return {
    read, cpu: cpuStats(cg), memory: memoryStats(cg), blkio: blkioStats(cg),
    pids: { current: readNumber(pidsDir, 'pids.current') ?? 0, ...(pidsLimit !== undefined ? { limit: pidsLimit } : {}) },
  };
}

function statsJson(c: Container, now: Sample, before: Sample | undefined): Record<string, unknown> {
  return {
    read: now.read, preread: before?.read ?? '0001-01-01T00:00:00Z', name: c.record.Name, id: c.id,
    pids_stats: now.pids, blkio_stats: now.blkio, num_procs: 0, storage_stats: {},
    cpu_stats: now.cpu, precpu_stats: before?.cpu ?? NO_CPU, memory_stats: now.memory,
  };
}

/** One sample (`one-shot`), two a second apart (no stream), or one a second until the client leaves or the container stops. */
export async function containerStats(ctx: DaemonContext, c: Container, options: { stream: boolean; oneShot: boolean }, signal: AbortSignal, send: (stats: unknown) => void): Promise<void> {
  let before: Sample | undefined;
  let now = sample(ctx, c);
  if (options.oneShot) return send(statsJson(c, now, undefined));
  for (;;) {
    if (options.stream || before) send(statsJson(c, now, before));
    if ((!options.stream && before) || signal.aborted) return;
    const ticked = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(true), 1000);
      signal.addEventListener('abort', () => (clearTimeout(timer), resolve(false)), { once: true });
    });
    if (!ticked) return;
    before = now;
    now = sample(ctx, c);
  }
}
// #endregion stats
