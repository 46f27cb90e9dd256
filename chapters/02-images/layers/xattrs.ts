// xattrs.ts — extended attributes, through the system calls Node lacks.
//
// A layer must bring a file back with its extended attributes: a file
// capability (`security.capability` on `ping`), a label, and overlayfs's
// own marks on our snapshots (`trusted.overlay.opaque`). Node has no call
// for them, so, as chapter 01 does for unshare and mount, we bind
// lgetxattr(2), llistxattr(2) and lsetxattr(2) from the C library with
// koffi. Only the `l` variants: they act on a symlink itself, never on what
// it points to, and a layer's symlink may point anywhere on the host.

import koffi from 'koffi';
import { SyscallError } from '../../01-namespaces/index.js';

// #region bind
const libc = koffi.load('libc.so.6');

const c = {
  lsetxattr: libc.func('int lsetxattr(const char *path, const char *name, const void *value, size_t size, int flags)'),
  lgetxattr: libc.func('long lgetxattr(const char *path, const char *name, _Out_ void *value, size_t size)'),
  llistxattr: libc.func('long llistxattr(const char *path, _Out_ char *list, size_t size)'),
};

/** -1 is C's failure; chapter 01's SyscallError names the call and errno (ENODATA: no such attribute). */
function check(result: number | bigint, call: string, detail: string): number {
  if (Number(result) === -1) throw new SyscallError(call, koffi.errno(), detail);
  return Number(result);
}
// #endregion bind

// #region xattrs
/** lsetxattr(2): set an extended attribute without following symlinks. */
export function lsetxattr(path: string, name: string, value: Buffer): void {
  check(c.lsetxattr(path, name, value, value.length, 0), 'lsetxattr', `${path}, ${name}`);
}

/** llistxattr(2): the names of a file's extended attributes. */
export function llistxattr(path: string): string[] {
  const size = check(c.llistxattr(path, null, 0), 'llistxattr', path);
  if (size === 0) return [];
  const buf = Buffer.alloc(size);
  const got = check(c.llistxattr(path, buf, size), 'llistxattr', path);
  return buf.toString('utf8', 0, got).split('\0').filter(Boolean);
}

/** lgetxattr(2): one extended attribute's value. */
export function lgetxattr(path: string, name: string): Buffer {
  const size = check(c.lgetxattr(path, name, null, 0), 'lgetxattr', `${path}, ${name}`);
  const buf = Buffer.alloc(size);
  const got = check(c.lgetxattr(path, name, buf, size), 'lgetxattr', `${path}, ${name}`);
  return buf.subarray(0, got);
}
// #endregion xattrs
