// devices.ts — the few device files every program expects in /dev.

import { chownSync, chmodSync, closeSync, existsSync, openSync, symlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { mknod, mount, MS, type SyscallError } from './libc.js';
import { makeMountPoint, resolveInRoot } from './rootfs.js';
import type { DeviceSpec } from './spec.js';

// #region default-devices
/**
 * config-linux.md "Default Devices": character devices with their
 * major:minor numbers, in the order runc makes them, which a user
 * namespace's mount table shows (there they are bind mounts, see makeDevice).
 */
export const DEFAULT_DEVICES: DeviceSpec[] = [
  { type: 'c', path: '/dev/null', major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0 },
  { type: 'c', path: '/dev/random', major: 1, minor: 8, fileMode: 0o666, uid: 0, gid: 0 },
  { type: 'c', path: '/dev/full', major: 1, minor: 7, fileMode: 0o666, uid: 0, gid: 0 },
  { type: 'c', path: '/dev/tty', major: 5, minor: 0, fileMode: 0o666, uid: 0, gid: 0 },
  { type: 'c', path: '/dev/zero', major: 1, minor: 5, fileMode: 0o666, uid: 0, gid: 0 },
  { type: 'c', path: '/dev/urandom', major: 1, minor: 9, fileMode: 0o666, uid: 0, gid: 0 },
];

const DEV_LINKS: [string, string][] = [
  ['/proc/self/fd', '/dev/fd'],
  ['/proc/self/fd/0', '/dev/stdin'],
  ['/proc/self/fd/1', '/dev/stdout'],
  ['/proc/self/fd/2', '/dev/stderr'],
  ['pts/ptmx', '/dev/ptmx'],
];
// #endregion default-devices

// #region make-device
const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;
const S_IFIFO = 0o010000;

/**
 * mknod the device, or, where the kernel will not let us, bind-mount the
 * host's node over an empty file: mknod(2) of a device is refused in a user
 * namespace other than the host's (`man 7 user_namespaces`), and in some
 * sandboxes.
 */
function makeDevice(rootfs: string, device: DeviceSpec): void {
  const target = resolveInRoot(rootfs, device.path);
  const kind = device.type === 'p' ? S_IFIFO : device.type === 'b' ? S_IFBLK : S_IFCHR;
  const mode = device.fileMode ?? 0o666;
  if (existsSync(target)) return;
  makeMountPoint(dirname(target), true);
  try {
    mknod(target, kind | mode, device.major ?? 0, device.minor ?? 0);
  } catch (err) {
    if ((err as SyscallError).code !== 'EPERM') throw err;
    closeSync(openSync(target, 'a'));
    mount(device.path, target, null, MS.BIND);
    return;
  }
  chmodSync(target, mode); // mknod's mode passes through the umask; chmod does not
  chownSync(target, device.uid ?? 0, device.gid ?? 0);
}
// #endregion make-device

// #region setup-dev
/**
 * Fill the container's /dev: default devices, those config.json adds, the
 * usual symlinks. Skipped when /dev is a bind mount of a real /dev.
 */
export function setupDev(rootfs: string, devices: DeviceSpec[] = [], devIsBound = false): void {
  if (devIsBound) return;
  for (const device of [...DEFAULT_DEVICES, ...devices]) makeDevice(rootfs, device);
  for (const [target, link] of DEV_LINKS) {
    const path = resolveInRoot(rootfs, link);
    if (!existsSync(path)) symlinkSync(target, path);
  }
}

/** With a terminal, /dev/console is the container's pty: bind its slave over an empty file. */
export function bindConsole(slavePath: string): void {
  const target = '/dev/console';
  makeMountPoint(target, false);
  mount(slavePath, target, null, MS.BIND);
}
// #endregion setup-dev
