// masked-paths.ts — the corners of /proc and /sys a container must not touch.

import { statSync } from 'node:fs';
import { mount, MS } from './libc.js';
import { bindMount } from './rootfs.js';

// #region mask
function isDirectory(path: string): boolean | undefined {
  try {
    return statSync(path).isDirectory();
  } catch {
    return undefined; // not on this kernel: nothing to hide
  }
}

export function maskPaths(paths: readonly string[] = []): void {
  for (const path of paths) {
    const directory = isDirectory(path);
    if (directory === undefined) continue;
    if (directory) mount('tmpfs', path, 'tmpfs', MS.RDONLY, null);
    else mount('/dev/null', path, null, MS.BIND);
  }
}
// #endregion mask

// #region readonly
/**
 * Read-only, and nosuid, nodev, noexec as well, as runc makes them: a path
 * like /proc/sys is there to be read, never to run a program or open a
 * device from.
 */
export function makeReadonly(paths: readonly string[] = []): void {
  for (const path of paths) {
    if (isDirectory(path) === undefined) continue;
    bindMount(path, path, MS.BIND | MS.REC | MS.RDONLY | MS.NOSUID | MS.NODEV | MS.NOEXEC);
  }
}
// #endregion readonly
