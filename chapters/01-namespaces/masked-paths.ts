// masked-paths.ts — the corners of /proc and /sys a container must not touch.
//
// /proc and /sys mounted in the container are the real thing: /proc/kcore
// is the host's memory, /proc/sysrq-trigger can reboot it, /proc/sys holds
// the kernel's knobs. The spec names two lists: maskedPaths, hidden behind
// /dev/null (files) or an empty read-only tmpfs (directories), and
// readonlyPaths, bound onto themselves and remounted read-only. Both run
// after pivot_root, on the container's paths.

import { statSync } from 'node:fs';
import { mount, MS } from './libc.js';
import { bindMount } from './rootfs.js';

function isDirectory(path: string): boolean | undefined {
  try {
    return statSync(path).isDirectory();
  } catch {
    return undefined; // not on this kernel: nothing to hide
  }
}

// #region mask
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
export function makeReadonly(paths: readonly string[] = []): void {
  for (const path of paths) {
    if (isDirectory(path) === undefined) continue;
    bindMount(path, path, MS.BIND | MS.REC | MS.RDONLY);
  }
}
// #endregion readonly
