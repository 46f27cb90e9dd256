// host-mounts.ts — a container that shares the host's mount namespace:
// its mounts made in the host's, chroot(2) for a root, and every one of
// them taken down again at delete.

import { readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { InvalidArgumentError } from './errors.js';
import { chdir, chroot, mount, MNT_DETACH, MS, umount2 } from './libc.js';
import { readMountInfo } from './mountinfo.js';
import { applyRootPropagation } from './rootfs.js';
import type { NamespaceSpec, Spec } from './spec.js';

// #region shares-host-mounts
/**
 * config-linux.md, "Namespaces": a type that is not listed is the
 * runtime's own. Without {"type": "mount"}, every mount the container
 * needs is made in the host's mount namespace, where the host sees it.
 */
export function sharesHostMounts(spec: Spec): boolean {
  return !(spec.linux?.namespaces ?? []).some((ns) => ns.type === 'mount');
}

/**
 * What cannot be honoured over the host's mounts is refused. Masked and
 * read-only paths belong to a view of the files only the container has;
 * without a mount namespace there is none (runc refuses both the same
 * way). And a new user namespace cannot mount in a mount namespace owned
 * by the host's user namespace (`man 7 mount_namespaces`, "Restrictions").
 */
export function checkHostMounts(spec: Spec): void {
  if (!sharesHostMounts(spec)) return;
  for (const field of ['maskedPaths', 'readonlyPaths'] as const) {
    if (spec.linux?.[field]?.length) {
      throw new InvalidArgumentError(`config.json: linux.${field}: needs a mount namespace of the container's own (add {"type": "mount"} to linux.namespaces)`);
    }
  }
  if (spec.linux?.namespaces?.some((ns) => ns.type === 'user')) {
    throw new InvalidArgumentError('config.json: linux.namespaces: a user namespace cannot mount in the host\'s mount namespace (add {"type": "mount"})');
  }
}
// #endregion shares-host-mounts

// #region host-root
/**
 * The runtime binds the rootfs onto itself in the host's namespace and
 * makes that mount private, before init mounts anything. Every mount of
 * the container then sits on a mount the runtime owns and can name by its
 * ID, and none of them propagates to other namespaces: only this first
 * bind reaches the peers of its parent mount, if that is shared. The mount
 * under it (an image's overlay, say) is not ours to remove and stays.
 */
export function bindRootInHost(rootfs: string): HostRootMount {
  const path = realpathSync(rootfs);
  mount(path, path, null, MS.BIND | MS.REC);
  mount(null, path, null, MS.PRIVATE | MS.REC);
  const here = readMountInfo().filter((m) => m.mountPoint === path);
  return { path, id: here.find((m) => !here.some((above) => above.parentId === m.id))!.id };
}

/** The rootfs bind in the host's namespace: where it is, and its mount ID (mountinfo's first field). */
export interface HostRootMount {
  path: string;
  id: number;
}

/**
 * umount2(2) with MNT_DETACH takes a mount off with every mount below it.
 * The top mount at the path goes first: a container may have stacked one
 * on its "/", and that one sits on ours. We stop once the mount whose ID
 * we kept is gone, and never touch a path where it is not.
 */
export function unmountRootInHost({ path, id }: HostRootMount): void {
  const ours = () => readMountInfo().some((m) => m.id === id && m.mountPoint === path);
  for (let i = 0; i < 100 && ours(); i++) umount2(path, MNT_DETACH);
}
// #endregion host-root

// #region chroot
/**
 * In the host's mount namespace, pivot_root(2) would move the host's own
 * root: chroot(2) changes this process's root alone (`man 2 chroot`), and
 * the host's mounts stay where they are, out of the program's sight.
 * rootfsPropagation applies to the mount now at "/", the runtime's bind.
 */
export function chrootInto(rootfs: string, propagation: string | undefined): void {
  chdir(rootfs);
  chroot('.');
  chdir('/');
  applyRootPropagation(propagation);
}

/**
 * Init's host mount namespace is its parent's, the runtime's: init may
 * have been started in a copy (readonly-runtime.ts) and must go back to
 * the namespace where the runtime made the rootfs mount. The parent's pid
 * is read from /proc, still the host's: in a new PID namespace, getppid(2)
 * says 0, the parent being outside it.
 */
export function parentMountNamespace(): NamespaceSpec[] {
  const ppid = /^PPid:\s*(\d+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))![1];
  const parent = `/proc/${ppid}/ns/mnt`;
  return readlinkSync(parent) === readlinkSync('/proc/self/ns/mnt') ? [] : [{ type: 'mount', path: parent }];
}

/** exec: the container's root is its init's, reached through /proc/<pid>/root (`man 5 proc_pid_root`). */
export function chrootLike(pid: number): void {
  chroot(`/proc/${pid}/root`);
  chdir('/');
}
// #endregion chroot
