// file-metadata.ts — what a file is besides its bytes.

import { chmodSync, lchownSync, lutimesSync } from 'node:fs';
import { lgetxattr, llistxattr, lsetxattr } from '../../01-namespaces/index.js';

// #region metadata
export interface FileMetadata {
  /** Permission bits including setuid, setgid and sticky (0o7777). */
  mode: number;
  uid: number;
  gid: number;
  /** Modification time in milliseconds since the epoch. */
  mtimeMs: number;
  /** Extended attributes, name → raw value. */
  xattrs: Map<string, Buffer>;
}

/** Gives `path` its owner, mode, xattrs and mtime, never following a symlink. */
export function applyMetadata(path: string, meta: FileMetadata, isSymlink: boolean): void {
  lchownSync(path, meta.uid, meta.gid);
  // A symlink has no mode of its own on Linux (`man 7 symlink`); chmod would follow it.
  if (!isSymlink) chmodSync(path, meta.mode & 0o7777);
  for (const [name, value] of meta.xattrs) lsetxattr(path, name, value);
  const seconds = meta.mtimeMs / 1000;
  lutimesSync(path, seconds, seconds);
}
// #endregion metadata

// #region xattr-filter
/**
 * Which xattrs belong to a layer. `trusted.overlay.*` are overlayfs's own
 * bookkeeping (opaque marks, redirects, copy-up origins): a layer must not
 * be able to forge them, and a diff must not leak them. Opaque directories
 * travel as `.wh..wh..opq` entries instead.
 */
export function isLayerXattr(name: string): boolean {
  return !name.startsWith('trusted.overlay.');
}
// #endregion xattr-filter

// #region read-back
/** The xattrs of `path` that belong in a layer. */
export function readXattrs(path: string): Map<string, Buffer> {
  const xattrs = new Map<string, Buffer>();
  for (const name of llistxattr(path)) {
    if (isLayerXattr(name)) xattrs.set(name, lgetxattr(path, name));
  }
  return xattrs;
}

/** glibc's major(3) and minor(3): the two halves of a device number (see libc.ts makedev). */
export function deviceNumbers(rdev: number): { major: number; minor: number } {
  const dev = BigInt(rdev);
  return {
    major: Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn)),
    minor: Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn)),
  };
}
// #endregion read-back
