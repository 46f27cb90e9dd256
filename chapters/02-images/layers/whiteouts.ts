// whiteouts.ts — how a layer says "this file is gone" (image-spec `layer.md`, "Whiteouts").

import type { Stats } from 'node:fs';
import { lgetxattr, lsetxattr, mknod } from '../../01-namespaces/index.js';

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
