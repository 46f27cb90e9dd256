// cgroup-files.ts — a container's cgroup, as files the daemon reads and writes (man 7 cgroups).

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CgroupLayout, detectCgroups, RuntimeError } from '../../01-namespaces/index.js';

// #region cgroup-dirs
export interface ContainerCgroup {
  version: 'v1' | 'v2';
  /** The directory holding `controller`'s files (v2: the one directory), if that controller is mounted. */
  dir(controller: 'memory' | 'cpu' | 'cpuacct' | 'pids' | 'blkio'): string | undefined;
}

/** The hierarchies are the runtime's own finding (chapter 01's detectCgroups, from mountinfo). */
export function containerCgroup(cgroupsPath: string, layout: CgroupLayout | null = detectCgroups()): ContainerCgroup {
  if (!layout) throw new RuntimeError('no cgroup hierarchy is mounted on this host');
  const relative = cgroupsPath.replace(/^\/+/, '');
  if (layout.version === 'v2') return { version: 'v2', dir: () => join(layout.hierarchies[0]!.mountpoint, relative) };
  const v1 = new Map<string, string>();
  for (const { mountpoint, options } of layout.hierarchies) for (const option of options) if (!v1.has(option)) v1.set(option, mountpoint);
  return { version: 'v1', dir: (c) => (v1.has(c) ? join(v1.get(c)!, relative) : undefined) };
}
// #endregion cgroup-dirs

// #region cgroup-read
/** A counter file as a number (`max` and a missing file are undefined). */
export function readNumber(dir: string | undefined, file: string): number | undefined {
  const text = readText(dir, file)?.trim();
  if (text === undefined || text === '' || text === 'max') return undefined;
  return Number(text);
}

export function readText(dir: string | undefined, file: string): string | undefined {
  if (!dir) return undefined;
  try {
    return readFileSync(join(dir, file), 'utf8');
  } catch {
    return undefined;
  }
}

/** `key value` lines (memory.stat, cpu.stat, cpuacct.stat) as a map. */
export function readKeyValues(dir: string | undefined, file: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of (readText(dir, file) ?? '').split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value !== undefined) out[key] = Number(value);
  }
  return out;
}

/** The processes in the cgroup: every pid in cgroup.procs (v1: of the pids, else the memory, hierarchy). */
export function cgroupPids(cgroup: ContainerCgroup): number[] {
  const dir = cgroup.dir('pids') ?? cgroup.dir('memory');
  return (readText(dir, 'cgroup.procs') ?? '').split('\n').filter(Boolean).map(Number);
}
// #endregion cgroup-read

// #region cgroup-write
/** Writes a limit; a file the kernel lacks (swap accounting off) is skipped when `optional`. */
export function writeLimit(dir: string | undefined, file: string, value: string | number, optional = false): void {
  if (!dir || !existsSync(join(dir, file))) {
    if (optional) return;
    throw new RuntimeError(`cgroup: ${file} does not exist${dir ? ` in ${dir}` : ''}: is its controller enabled on this host?`);
  }
  writeFileSync(join(dir, file), String(value));
}
// #endregion cgroup-write

// #region cgroups-path
/** `linux.cgroupsPath` from the container's bundle (chapter 02 writes skiff/<id>). */
export function cgroupsPathOf(bundle: string, id: string): string {
  try {
    const spec = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8')) as { linux?: { cgroupsPath?: string } };
    return spec.linux?.cgroupsPath || `skiff/${id}`;
  } catch {
    return `skiff/${id}`;
  }
}
// #endregion cgroups-path
