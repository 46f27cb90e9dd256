// cgroups.ts — limits on what a container's processes may consume (`man 7 cgroups`).

import { existsSync, mkdirSync, readFileSync, rmdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { write, writeField } from './cgroup-files.js';
import { applyRareLimits, refuseMissingControllers } from './cgroup-rare-limits.js';
import { RuntimeError } from './errors.js';
import { readMountInfo, type MountInfo } from './mountinfo.js';
import type { DeviceRule, ResourcesSpec } from './spec.js';

// #region detect
export type CgroupVersion = 'v1' | 'v2';

interface Hierarchy {
  mountpoint: string;
  /** For v1, the controllers of this mount ("memory", "cpu"...) or a name= option. */
  options: string[];
}

export interface CgroupLayout {
  version: CgroupVersion;
  hierarchies: Hierarchy[];
}

/**
 * The cgroup hierarchies among the mounts: v1 ones carry their controllers in
 * their super options. A hierarchy counts once, at its first mount (the
 * oldest): a container sharing our mount namespace, or an administrator's bind
 * mount, can show the same hierarchy again later in mountinfo, perhaps only a
 * subtree of it, and a cgroup made there too would be made twice, or fail.
 */
export function detectCgroups(mounts: MountInfo[] = readMountInfo()): CgroupLayout | null {
  const v1: Hierarchy[] = [];
  let v2: Hierarchy | undefined;
  for (const { fsType, mountPoint, superOptions } of mounts) {
    const options = superOptions.filter((o) => o !== 'rw' && o !== 'ro');
    if (fsType === 'cgroup' && !v1.some((h) => h.options.join() === options.join())) {
      v1.push({ mountpoint: mountPoint, options });
    } else if (fsType === 'cgroup2' && !v2) {
      v2 = { mountpoint: mountPoint, options: [] };
    }
  }
  if (v1.length) return { version: 'v1', hierarchies: v1 };
  if (v2) return { version: 'v2', hierarchies: [v2] };
  return null;
}
// #endregion detect

// #region path
/** A container's cgroup: one directory per hierarchy (one on v2, several on v1). */
export interface ContainerCgroup {
  version: CgroupVersion;
  dirs: string[];
}

/** `linux.cgroupsPath`, or skiff/<id>, below the root of each hierarchy. */
export function cgroupRelativePath(cgroupsPath: string | undefined, id: string): string {
  if (!cgroupsPath) return `skiff/${id}`;
  if (cgroupsPath.includes(':')) throw new RuntimeError(`linux.cgroupsPath ${JSON.stringify(cgroupsPath)}: systemd slices are not supported`);
  const relative = cgroupsPath.replace(/^\/+/, '');
  if (!relative || relative.split('/').includes('..')) throw new RuntimeError(`linux.cgroupsPath ${JSON.stringify(cgroupsPath)}: not a usable path`);
  return relative;
}
// #endregion path


// #region create
/**
 * Make the container's cgroup in every hierarchy and write its limits. On
 * any failure the directories made so far are removed again.
 */
export function createCgroup(layout: CgroupLayout, relativePath: string, resources: ResourcesSpec = {}): ContainerCgroup {
  const cgroup: ContainerCgroup = { version: layout.version, dirs: [] };
  refuseMissingControllers(layout.version, availableControllers(layout), resources);
  try {
    for (const { mountpoint, options } of layout.hierarchies) {
      const dir = join(mountpoint, relativePath);
      if (layout.version === 'v2') enableControllers(mountpoint, relativePath);
      if (options.includes('cpuset')) makeCpusetDirs(mountpoint, relativePath);
      else mkdirSync(dir, { recursive: true });
      cgroup.dirs.push(dir);
      if (layout.version === 'v1') applyV1Limits(dir, options, resources);
      else applyV2Limits(dir, resources);
      applyRareLimits(layout.version, dir, options, resources);
    }
  } catch (err) {
    removeDirs(cgroup);
    throw err;
  }
  return cgroup;
}
// #endregion create

// #region create-quirks
/**
 * A new v1 cpuset has no cpus and no memory nodes, and refuses tasks until
 * given its parent's. A directory that exists may be one another container's
 * create made a moment ago and has not filled in yet, so what is still empty
 * is filled in whoever made it (writing the same value twice is harmless).
 */
function makeCpusetDirs(mountpoint: string, relativePath: string): void {
  let dir = mountpoint;
  for (const part of relativePath.split('/')) {
    const parent = dir;
    dir = join(dir, part);
    mkdirSync(dir, { recursive: true });
    for (const file of ['cpuset.cpus', 'cpuset.mems']) {
      if (readFileSync(join(dir, file), 'utf8').trim() === '') write(dir, file, readFileSync(join(parent, file), 'utf8').trim());
    }
  }
}

/** The controllers of the layout: v1 hierarchies' mount options, v2's root cgroup.controllers. */
function availableControllers(layout: CgroupLayout): string[] {
  if (layout.version === 'v1') return layout.hierarchies.flatMap((h) => h.options);
  return readFileSync(join(layout.hierarchies[0]!.mountpoint, 'cgroup.controllers'), 'utf8').trim().split(/\s+/);
}

/** On v2 a controller's files appear in a cgroup only if every ancestor enabled it for its children. */
function enableControllers(mountpoint: string, relativePath: string): void {
  const wanted = ['memory', 'pids', 'cpu', 'cpuset', 'io', 'hugetlb'];
  let dir = mountpoint;
  for (const part of relativePath.split('/')) {
    const available = readFileSync(join(dir, 'cgroup.controllers'), 'utf8').trim().split(/\s+/);
    const enable = wanted.filter((c) => available.includes(c)).map((c) => `+${c}`).join(' ');
    if (enable) write(dir, 'cgroup.subtree_control', enable);
    dir = join(dir, part);
    mkdirSync(dir, { recursive: true });
  }
}
// #endregion create-quirks

// #region limits-v1
function applyV1Limits(dir: string, controllers: string[], { memory, pids, cpu, devices }: ResourcesSpec): void {
  if (controllers.includes('devices')) applyDeviceRules(dir, devices ?? []);
  if (controllers.includes('memory') && memory?.limit !== undefined && memory.limit > 0) {
    write(dir, 'memory.limit_in_bytes', memory.limit);
    // Without a swap limit a "small memory limit" just means "swaps a lot".
    // OCI's v1 `swap` is memory+swap; when it is not given we allow none.
    if (existsSync(join(dir, 'memory.memsw.limit_in_bytes'))) {
      write(dir, 'memory.memsw.limit_in_bytes', memory.swap !== undefined && memory.swap > 0 ? memory.swap : memory.limit);
    }
  }
  if (controllers.includes('memory')) applyV1MemoryExtras(dir, memory);
  if (controllers.includes('cpuset')) applyCpuset(dir, cpu);
  if (controllers.includes('pids') && pids) write(dir, 'pids.max', pids.limit > 0 ? pids.limit : 'max');
  if (controllers.includes('cpu') && cpu) {
    if (cpu.shares) write(dir, 'cpu.shares', cpu.shares);
    if (cpu.period) write(dir, 'cpu.cfs_period_us', cpu.period);
    if (cpu.quota !== undefined && cpu.quota !== 0) write(dir, 'cpu.cfs_quota_us', cpu.quota);
  }
}
// #endregion limits-v1

// #region limits-extra
/**
 * The soft limit the kernel reclaims down to under pressure, how eagerly
 * this cgroup swaps, and an OOM killer that pauses the cgroup's processes
 * instead of killing one (cgroup-v1/memory.rst, sections 7, 5.3 and 10).
 */
function applyV1MemoryExtras(dir: string, memory: ResourcesSpec['memory']): void {
  if (memory?.reservation !== undefined) writeField(dir, 'memory.soft_limit_in_bytes', memory.reservation, 'linux.resources.memory.reservation');
  if (memory?.swappiness !== undefined) writeField(dir, 'memory.swappiness', memory.swappiness, 'linux.resources.memory.swappiness');
  if (memory?.disableOOMKiller) writeField(dir, 'memory.oom_control', 1, 'linux.resources.memory.disableOOMKiller');
}

/** The CPUs and memory nodes the container may use: the same files on v1 and v2. */
function applyCpuset(dir: string, cpu: ResourcesSpec['cpu']): void {
  if (cpu?.cpus) writeField(dir, 'cpuset.cpus', cpu.cpus, 'linux.resources.cpu.cpus');
  if (cpu?.mems) writeField(dir, 'cpuset.mems', cpu.mems, 'linux.resources.cpu.mems');
}

/**
 * v2 has memory.low for a reservation; it has no per-cgroup swappiness and
 * no way to turn the OOM killer off, so those are refused, named.
 */
function applyV2Extras(dir: string, { memory, cpu }: ResourcesSpec): void {
  if (memory?.reservation !== undefined) writeField(dir, 'memory.low', memory.reservation, 'linux.resources.memory.reservation');
  if (memory?.swappiness !== undefined) throw new RuntimeError('config.json: linux.resources.memory.swappiness: cgroup v2 has no swappiness per cgroup');
  if (memory?.disableOOMKiller) throw new RuntimeError('config.json: linux.resources.memory.disableOOMKiller: cgroup v2 cannot turn the OOM killer off');
  applyCpuset(dir, cpu);
}
// #endregion limits-extra

// #region devices-v1
/**
 * The devices that every container may use whatever its config says, as
 * runc allows them: the default nodes of devices.ts, /dev/console,
 * /dev/ptmx and every pty slave (major 136).
 */
const ALWAYS_ALLOWED: DeviceRule[] = [
  ...[3, 5, 7, 8, 9].map((minor) => ({ allow: true, type: 'c' as const, major: 1, minor, access: 'rwm' })),
  ...[0, 1, 2].map((minor) => ({ allow: true, type: 'c' as const, major: 5, minor, access: 'rwm' })),
  { allow: true, type: 'c', major: 136, access: 'rwm' },
];

/**
 * The v1 devices controller is what stops root in a container, who may
 * hold CAP_MKNOD, from making a node for the host's disk and reading it.
 * Rules are lines like "c 1:3 rwm" written to devices.allow or devices.deny
 * (kernel docs, cgroup-v1/devices.rst); config.json usually starts with
 * "deny everything". On v2 the same rules are an eBPF program, which this
 * runtime does not load: there, device access is left to capabilities.
 */
function applyDeviceRules(dir: string, rules: DeviceRule[]): void {
  const number = (n: number | undefined) => (n === undefined || n < 0 ? '*' : String(n));
  for (const rule of [...rules, ...ALWAYS_ALLOWED]) {
    const type = rule.type ?? 'a';
    const line = type === 'a' ? 'a' : `${type} ${number(rule.major)}:${number(rule.minor)} ${rule.access || 'rwm'}`;
    write(dir, rule.allow ? 'devices.allow' : 'devices.deny', line);
  }
}
// #endregion devices-v1

// #region limits-v2
function applyV2Limits(dir: string, resources: ResourcesSpec): void {
  const { memory, pids, cpu } = resources;
  applyV2Extras(dir, resources);
  if (memory?.limit !== undefined && memory.limit > 0) {
    write(dir, 'memory.max', memory.limit);
    if (existsSync(join(dir, 'memory.swap.max'))) {
      write(dir, 'memory.swap.max', memory.swap !== undefined && memory.swap > 0 ? Math.max(0, memory.swap - memory.limit) : 0);
    }
  }
  if (pids) write(dir, 'pids.max', pids.limit > 0 ? pids.limit : 'max');
  if (cpu?.shares) {
    // v1 shares run 2..262144, v2 weights 1..10000; the kernel docs' linear map.
    write(dir, 'cpu.weight', Math.round(1 + ((cpu.shares - 2) * 9999) / 262142));
  }
  if (cpu?.quota !== undefined && cpu.quota !== 0) {
    write(dir, 'cpu.max', `${cpu.quota > 0 ? cpu.quota : 'max'} ${cpu.period || 100000}`);
  }
}
// #endregion limits-v2

// #region procs
/**
 * The files init writes "0" into (meaning "me") to join the cgroup. On v1
 * that is `tasks`, which moves only the calling thread: Node's other
 * threads stay behind, and execve ends them moments later. Moving a whole
 * process through cgroup.procs takes a kernel-wide lock whose first taker
 * waits out an RCU grace period, 10 to 20 ms here; a thread moving itself
 * skips that lock (kernel/cgroup/cgroup.c, cgroup_procs_write_start). On v2,
 * outside threaded subtrees, whole processes are all that can move.
 */
export function joinFiles(cgroup: ContainerCgroup): string[] {
  return cgroup.dirs.map((dir) => join(dir, cgroup.version === 'v1' ? 'tasks' : 'cgroup.procs'));
}

/** The files that list the processes in the cgroup. */
export function procsFiles(cgroup: ContainerCgroup): string[] {
  return cgroup.dirs.map((dir) => join(dir, 'cgroup.procs'));
}

/** Every process in the container's cgroup, on any hierarchy. */
export function cgroupPids(cgroup: ContainerCgroup): number[] {
  const pids = new Set<number>();
  for (const file of procsFiles(cgroup)) {
    try {
      for (const line of readFileSync(file, 'utf8').split('\n')) if (line) pids.add(Number(line));
    } catch {
      // the directory is already gone
    }
  }
  return [...pids];
}
// #endregion procs

// #region oom-kills
/**
 * How many processes of the cgroup the OOM killer has killed. v2 counts
 * them in memory.events (`oom_kill N`); v1 in memory.oom_control, whose
 * `oom_kill` line came with Linux 4.13 (before it, `under_oom 1` is the
 * only trace, and only while the cgroup is still out of memory).
 */
export function oomKillCount(cgroup: ContainerCgroup): number {
  for (const dir of cgroup.dirs) {
    const file = join(dir, cgroup.version === 'v1' ? 'memory.oom_control' : 'memory.events');
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const kills = /^oom_kill (\d+)$/m.exec(text);
    if (kills) return Number(kills[1]);
    return /^under_oom 1$/m.test(text) ? 1 : 0;
  }
  return 0;
}
// #endregion oom-kills

// #region destroy
/**
 * Kill whatever is left in the cgroup, wait until it is empty, and remove
 * it. rmdir(2) on a cgroup fails with EBUSY while it has members, so the
 * order matters.
 */
export async function destroyCgroup(cgroup: ContainerCgroup): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const pids = cgroupPids(cgroup);
    if (!pids.length) break;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (isFrozen(cgroup)) await setFrozen(cgroup, false); // frozen processes cannot die
    await new Promise((r) => setTimeout(r, 10));
  }
  removeDirs(cgroup);
}

function removeDirs(cgroup: ContainerCgroup): void {
  for (const dir of cgroup.dirs) {
    try {
      rmdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new RuntimeError(`cgroup: cannot remove ${dir}: ${(err as NodeJS.ErrnoException).code}`);
    }
    // Our own parent directory (skiff/) goes too once the last container left it.
    if (basename(dirname(dir)) === 'skiff') {
      try {
        rmdirSync(dirname(dir));
      } catch {
        // another container still uses it
      }
    }
  }
}
// #endregion destroy

// #region freeze
/**
 * pause and resume: the freezer stops every process of the cgroup where it
 * stands, without a signal they could see or handle. v1 has a freezer
 * hierarchy with freezer.state (FROZEN / THAWED, with FREEZING on the way);
 * v2 has cgroup.freeze in every cgroup, and reports "frozen 1" in
 * cgroup.events once done.
 */
export async function setFrozen(cgroup: ContainerCgroup, frozen: boolean): Promise<void> {
  for (const dir of cgroup.dirs) {
    if (existsSync(join(dir, 'freezer.state'))) write(dir, 'freezer.state', frozen ? 'FROZEN' : 'THAWED');
    else if (existsSync(join(dir, 'cgroup.freeze'))) write(dir, 'cgroup.freeze', frozen ? 1 : 0);
  }
  for (let i = 0; i < 1000 && isFrozen(cgroup) !== frozen; i++) await new Promise((r) => setTimeout(r, 2));
  if (isFrozen(cgroup) !== frozen) throw new RuntimeError(`cgroup: the container did not ${frozen ? 'freeze' : 'thaw'}`);
}

export function isFrozen(cgroup: ContainerCgroup): boolean {
  for (const dir of cgroup.dirs) {
    try {
      if (existsSync(join(dir, 'freezer.state'))) return readFileSync(join(dir, 'freezer.state'), 'utf8').trim() === 'FROZEN';
      if (existsSync(join(dir, 'cgroup.events'))) return /^frozen 1$/m.test(readFileSync(join(dir, 'cgroup.events'), 'utf8'));
    } catch {
      return false; // removed meanwhile
    }
  }
  return false;
}
// #endregion freeze

// #region container-mounts
/**
 * What to show at /sys/fs/cgroup inside the container: the container's own
 * directory of each hierarchy, under the hierarchy's usual name. On v1
 * that is a tmpfs with one bind mount per hierarchy, on v2 one bind mount.
 */
export function cgroupMountSources(layout: CgroupLayout, cgroup: ContainerCgroup): { name: string; dir: string }[] {
  return layout.hierarchies.map((h, i) => ({ name: basename(h.mountpoint), dir: cgroup.dirs[i]! }));
}
// #endregion container-mounts
