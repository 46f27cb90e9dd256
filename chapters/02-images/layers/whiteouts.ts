// whiteouts.ts — how a layer says "this file is gone".
//
// A tar can only add files, so deleting one is spelled as an extra, empty
// entry (OCI image-spec `layer.md`, "Whiteouts"):
//
//   dir/.wh.name       — `name` existed in a lower layer and is deleted here
//   dir/.wh..wh..opq   — `dir` is opaque: nothing of the lower layers' `dir`
//                        shows through, only what this layer puts in it
//
// overlayfs, which stacks our snapshots, speaks another dialect of the same
// idea (kernel `Documentation/filesystems/overlayfs.rst`, "whiteouts and
// opaque directories"): a whiteout is a character device with device number
// 0/0, and an opaque directory carries the xattr `trusted.overlay.opaque=y`.
// Snapshots are kept in overlayfs's dialect, so they can be stacked as they
// are; this file converts between the two.

import type { Stats } from 'node:fs';
import { mknod } from '../../01-namespaces/index.js';
import { lgetxattr, lsetxattr } from './xattrs.js';

// #region names
export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';
/** Every name beginning with `.wh..wh.` is reserved for whiteout metadata. */
const META_PREFIX = '.wh..wh.';

export type WhiteoutName =
  | { kind: 'opaque' }
  | { kind: 'whiteout'; name: string }
  | { kind: 'meta' } // other reserved `.wh..wh.*` names (aufs hard-link bookkeeping): ignored
  | { kind: 'none' };

/** What a tar entry's base name means in the whiteout vocabulary. */
export function parseWhiteoutName(base: string): WhiteoutName {
  if (base === OPAQUE_MARKER) return { kind: 'opaque' };
  if (base.startsWith(META_PREFIX)) return { kind: 'meta' };
  if (base.startsWith(WHITEOUT_PREFIX) && base.length > WHITEOUT_PREFIX.length) {
    return { kind: 'whiteout', name: base.slice(WHITEOUT_PREFIX.length) };
  }
  return { kind: 'none' };
}
// #endregion names

// #region overlay-dialect
const S_IFCHR = 0o020000;
export const OPAQUE_XATTR = 'trusted.overlay.opaque';

/** Makes overlayfs's whiteout at `path`: a character device numbered 0/0. */
export function makeWhiteout(path: string): void {
  mknod(path, S_IFCHR | 0o000, 0, 0);
}

/** Is this (lstat'd) file an overlayfs whiteout? */
export function isWhiteout(stat: Stats): boolean {
  return stat.isCharacterDevice() && stat.rdev === 0;
}

/** Marks `dir` opaque for overlayfs. */
export function makeOpaque(dir: string): void {
  lsetxattr(dir, OPAQUE_XATTR, Buffer.from('y'));
}

/** Is `dir` marked opaque? */
export function isOpaque(dir: string): boolean {
  try {
    return lgetxattr(dir, OPAQUE_XATTR).toString() === 'y';
  } catch {
    return false; // ENODATA: no such attribute
  }
}
// #endregion overlay-dialect
