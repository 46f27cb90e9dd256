// What the host can see of a container, read straight from the kernel:
// /proc/<pid>/{status,ns,cgroup} and /proc/self/mountinfo. The tests compare
// this outside view with what a probe prints inside, and use it to prove
// that nothing of a container outlives its deletion.
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { readMountInfo, type MountInfo } from '../../chapters/01-namespaces/mountinfo.ts';
import { join, relative } from 'node:path';

// mountinfo is read with chapter 01's own reader, the one every chapter uses;
// test/01-namespaces/mountinfo.test.ts holds it to what the kernel writes.
export { parseMountInfo, readMountInfo, type MountInfo } from '../../chapters/01-namespaces/mountinfo.ts';

/** Mounts of the host's mount namespace at or below `dir`. */
export function hostMountsUnder(dir: string): MountInfo[] {
  return readMountInfo().filter((m) => m.mountPoint === dir || m.mountPoint.startsWith(dir + '/'));
}

export const NAMESPACE_KINDS = ['pid', 'mnt', 'net', 'uts', 'ipc'] as const;
export type NamespaceKind = (typeof NAMESPACE_KINDS)[number];

/** The namespace a process is in, as the kernel names it: "net:[4026532180]". */
export function namespaceOf(pid: number | 'self', kind: NamespaceKind): string {
  return readlinkSync(`/proc/${pid}/ns/${kind}`);
}

/** Pids of the host's processes that live in the given namespace. */
export function processesInNamespace(kind: NamespaceKind, ns: string): number[] {
  const found: number[] = [];
  for (const pid of allPids()) {
    try {
      if (readlinkSync(`/proc/${pid}/ns/${kind}`) === ns) found.push(pid);
    } catch {
      // the process exited while we looked
    }
  }
  return found;
}

export function allPids(): number[] {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
}

/** The pid chain of a process from the host's PID namespace inwards (the NSpid line of /proc/<pid>/status). */
export function nsPids(pid: number): number[] {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('NSpid:'));
  if (!line) throw new Error(`no NSpid line in /proc/${pid}/status`);
  return line.slice('NSpid:'.length).trim().split(/\s+/).map(Number);
}

export function isAlive(pid: number): boolean {
  try {
    // a zombie is dead for our purposes: it only waits to be reaped
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

interface CgroupHierarchy {
  mountPoint: string;
  root: string;
  /** The controllers of a v1 hierarchy (["memory"], ["cpu","cpuacct"], ["name=systemd"]); [] for v2. */
  controllers: string[];
  v2: boolean;
}

function cgroupHierarchies(): CgroupHierarchy[] {
  return readMountInfo()
    .filter((m) => m.fsType === 'cgroup' || m.fsType === 'cgroup2')
    .map((m) => ({
      mountPoint: m.mountPoint,
      root: m.root,
      v2: m.fsType === 'cgroup2',
      controllers: m.fsType === 'cgroup2' ? [] : m.superOptions.filter((o) => o !== 'rw' && o !== 'ro' && !o.startsWith('release_agent') && o !== 'clone_children' && o !== 'noprefix' && o !== 'xattr'),
    }));
}

/**
 * The cgroup directories (on the host's cgroup mounts) that a process is in,
 * one per hierarchy it belongs to, from /proc/<pid>/cgroup (man 7 cgroups):
 * "4:memory:/skiff/abc" on v1, "0::/skiff/abc" on v2.
 */
export function cgroupDirsOf(pid: number | 'self'): string[] {
  const hierarchies = cgroupHierarchies();
  const dirs: string[] = [];
  for (const line of readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').filter(Boolean)) {
    const [, , controllerList, path] = line.match(/^(\d+):([^:]*):(.*)$/)!;
    const wanted = controllerList ? controllerList.split(',').sort().join(',') : '';
    const h = hierarchies.find((h) => (wanted === '' ? h.v2 : !h.v2 && [...h.controllers].sort().join(',') === wanted));
    if (!h) continue; // a hierarchy this mount namespace does not mount
    const inside = relative(h.root, path);
    if (inside.startsWith('..')) continue;
    dirs.push(join(h.mountPoint, inside));
  }
  return dirs;
}

/** The cgroups a container's process is in that the test process itself is not in: the ones made for it. */
export function ownCgroupDirsOf(pid: number): string[] {
  const ours = new Set(cgroupDirsOf('self'));
  return cgroupDirsOf(pid).filter((d) => !ours.has(d));
}

/** The directory of a v1 controller's hierarchy, or the v2 one, in a process's cgroups. */
export function cgroupDirFor(pid: number, controller: 'memory' | 'pids' | 'cpu'): string {
  const dirs = cgroupDirsOf(pid);
  const v1 = cgroupHierarchies().find((h) => !h.v2 && h.controllers.includes(controller));
  if (v1) {
    const dir = dirs.find((d) => d === v1.mountPoint || d.startsWith(v1.mountPoint + '/'));
    if (dir) return dir;
  }
  const v2 = cgroupHierarchies().find((h) => h.v2);
  const dir = v2 && dirs.find((d) => d === v2.mountPoint || d.startsWith(v2.mountPoint + '/'));
  if (!dir) throw new Error(`process ${pid} is in no cgroup with the ${controller} controller`);
  return dir;
}

/** The first value of a cgroup file: "max", "33554432"... (v1 and v2 name them differently). */
export function readCgroupValue(dir: string, ...names: string[]): string {
  for (const name of names) {
    const file = join(dir, name);
    if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  }
  throw new Error(`none of ${names.join(', ')} in ${dir}`);
}

/** Every cgroup directory named `name`, up to a few levels deep in every hierarchy. */
export function cgroupDirsNamed(name: string, maxDepth = 5): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number): void => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry);
      try {
        if (!statSync(path).isDirectory()) continue;
      } catch {
        continue;
      }
      if (entry === name) found.push(path);
      if (depth < maxDepth) walk(path, depth + 1);
    }
  };
  for (const h of cgroupHierarchies()) walk(h.mountPoint, 1);
  return found;
}
