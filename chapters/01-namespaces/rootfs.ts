// rootfs.ts — giving the container its own root filesystem.

import { closeSync, mkdirSync, openSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { dirname, posix, resolve } from 'node:path';
import { InvalidArgumentError } from './errors.js';
import { chdir, mount, MNT_DETACH, MS, pivotRoot, umount2, type SyscallError } from './libc.js';
import { parseMountOptions } from './mount-options.js';
import { readMountInfo, type MountInfo } from './mountinfo.js';
import type { MountSpec } from './spec.js';

// #region resolve-in-root
/**
 * The host path of `path` as seen from inside `root`: symlinks are followed
 * the way they will be once `root` is `/`. Without this, a rootfs holding
 * `var/run -> /run` would make us mount over the *host's* /run.
 */
export function resolveInRoot(root: string, path: string): string {
  const pending = path.split('/').filter(Boolean);
  let current = '/';
  let links = 0;
  while (pending.length) {
    const part = pending.shift()!;
    if (part === '.') continue;
    if (part === '..') {
      current = posix.dirname(current);
      continue;
    }
    const next = posix.join(current, part);
    let target: string;
    try {
      target = readlinkSync(root + next);
    } catch {
      current = next; // not a symlink, or not there yet: either way, take it as it is
      continue;
    }
    if (++links > 40) throw new InvalidArgumentError(`${path}: too many levels of symbolic links`);
    pending.unshift(...target.split('/').filter(Boolean));
    if (target.startsWith('/')) current = '/';
  }
  return current === '/' ? root : root + current;
}
// #endregion resolve-in-root

// #region private-root
/**
 * Give every mount we inherited the propagation of rootfsPropagation
 * (rprivate when none is asked), then bind the rootfs onto itself so it is
 * a mount point: pivot_root(2) accepts nothing else. pivot_root also
 * refuses a new root whose parent mount is shared (EINVAL), and a bind
 * below a shared mount would show up in the host's namespace too: so the
 * mount holding the rootfs is made private first, whatever was asked. The
 * propagation asked for reaches the new "/" after the pivot (finishRoot).
 */
export function prepareRoot(rootfs: string, propagation: string | undefined): void {
  mount(null, '/', null, propagationFlags(propagation));
  const parent = mountHolding(realpathSync(rootfs));
  if (parent?.optional.some((field) => field.startsWith('shared:'))) mount(null, parent.mountPoint, null, MS.PRIVATE);
  mount(rootfs, rootfs, null, MS.BIND | MS.REC);
}

function propagationFlags(propagation: string | undefined): number {
  return parseMountOptions([propagation ?? 'rprivate']).propagation[0] ?? MS.REC | MS.PRIVATE;
}

/** The mount whose mount point is the longest prefix of `path`: the one the path lives on. */
function mountHolding(path: string): MountInfo | undefined {
  const holds = (m: MountInfo) => m.mountPoint === '/' || path === m.mountPoint || path.startsWith(`${m.mountPoint}/`);
  return readMountInfo().filter(holds).sort((a, b) => b.mountPoint.length - a.mountPoint.length)[0];
}
// #endregion private-root

// #region mount-one
export interface MountContext {
  rootfs: string;
  bundle: string;
  /** The container's cgroup directories, for a mount of type "cgroup". */
  cgroups: { name: string; dir: string }[];
  /** In the host's namespace: make each mount private, or a bind of a shared source would be its peer (host-mounts.ts). */
  privateMounts?: boolean;
}

/** Perform one entry of config.json's `mounts`, below the rootfs. */
export function mountOne(entry: MountSpec, ctx: MountContext): void {
  const target = resolveInRoot(ctx.rootfs, entry.destination);
  const { flags, propagation, data } = parseMountOptions(entry.options);
  if (entry.type === 'cgroup') {
    mountCgroups(target, flags, ctx.cgroups);
  } else if (flags & MS.BIND) {
    const source = resolve(ctx.bundle, entry.source ?? '');
    // Checked before init was started too (container.ts); this is for a source removed since.
    const isDirectory = statSync(source, { throwIfNoEntry: false })?.isDirectory();
    if (isDirectory === undefined) throw new InvalidArgumentError(`mount ${entry.destination}: source ${source} does not exist`);
    makeMountPoint(target, isDirectory);
    bindMount(source, target, flags);
  } else {
    makeMountPoint(target, true);
    try {
      mount(entry.source ?? entry.type ?? 'none', target, entry.type ?? null, flags, data || null);
    } catch (err) {
      // sysfs refuses to mount in a network namespace we did not make
      // (the kernel ties it to one); show the host's, as runc does.
      if (entry.type !== 'sysfs' || (err as SyscallError).code !== 'EPERM') throw err;
      bindMount('/sys', target, flags | MS.BIND | MS.REC);
    }
  }
  if (ctx.privateMounts) mount(null, target, null, MS.PRIVATE | MS.REC);
  for (const change of propagation) mount(null, target, null, change);
}
// #endregion mount-one

// #region bind-mount
/**
 * A bind mount ignores every flag but MS_BIND and MS_REC; "ro", "nosuid"
 * and friends take a second call with MS_REMOUNT (`man 2 mount`, "Creating
 * a bind mount").
 */
export function bindMount(source: string, target: string, flags: number): void {
  mount(source, target, null, flags & (MS.BIND | MS.REC));
  const extra = flags & ~(MS.BIND | MS.REC | MS.REMOUNT);
  if (extra) mount(null, target, null, extra | MS.BIND | MS.REMOUNT);
}

/** Mount points must exist: a directory, or an empty file to bind a file onto. */
export function makeMountPoint(target: string, directory: boolean): void {
  if (directory) {
    mkdirSync(target, { recursive: true });
  } else {
    mkdirSync(dirname(target), { recursive: true });
    closeSync(openSync(target, 'a'));
  }
}
// #endregion bind-mount

// #region mount-cgroups
/**
 * /sys/fs/cgroup inside the container shows only the container's own
 * cgroup: on v1 a tmpfs holding one bind mount per hierarchy, on v2 the one
 * directory. Read-only when asked, so the container can read its limits
 * but not raise them.
 */
function mountCgroups(target: string, flags: number, cgroups: { name: string; dir: string }[]): void {
  const readonly = flags & MS.RDONLY;
  if (cgroups.length === 1 && cgroups[0]!.name === 'cgroup') {
    makeMountPoint(target, true);
    bindMount(cgroups[0]!.dir, target, flags | MS.BIND);
    return;
  }
  makeMountPoint(target, true);
  mount('tmpfs', target, 'tmpfs', (flags & ~MS.RDONLY) | MS.NOSUID | MS.NODEV | MS.NOEXEC, 'mode=755');
  for (const { name, dir } of cgroups) {
    mkdirSync(`${target}/${name}`);
    bindMount(dir, `${target}/${name}`, flags | MS.BIND);
  }
  if (readonly) mount(null, target, null, flags | MS.REMOUNT | MS.NOSUID | MS.NODEV | MS.NOEXEC);
}
// #endregion mount-cgroups

// #region pivot
/**
 * pivot_root(".", ".") stacks the old root on top of the new one at "/";
 * unmounting "." then peels it off (`man 2 pivot_root`, NOTES). No
 * put_old directory is needed, so nothing is written into the rootfs, which
 * may be read-only. The old root is made rprivate first, or with a shared
 * rootfsPropagation our unmount would travel to the host's own mounts.
 * MNT_DETACH because the old root is still busy with every host mount below it.
 */
export function pivotInto(rootfs: string, propagation: string | undefined): void {
  chdir(rootfs);
  pivotRoot('.', '.');
  mount(null, '.', null, MS.PRIVATE | MS.REC);
  umount2('.', MNT_DETACH);
  chdir('/');
  applyRootPropagation(propagation);
}

/** rootfsPropagation, on the mount now at the container's "/" (private was done before, and stays the default). */
export function applyRootPropagation(propagation: string | undefined): void {
  const flags = propagationFlags(propagation);
  if (!(flags & MS.PRIVATE)) mount(null, '/', null, flags);
}

/** root.readonly: a bind-remount of "/" with MS_RDONLY, done last so set-up could still write. */
export function remountRootReadonly(): void {
  mount(null, '/', null, MS.BIND | MS.REMOUNT | MS.RDONLY);
}
// #endregion pivot
