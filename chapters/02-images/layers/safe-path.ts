// safe-path.ts — keeping a hostile layer inside its snapshot.

import { lstatSync, mkdirSync, type Stats } from 'node:fs';
import { join } from 'node:path';

// #region unsafe-error
/** A layer entry that would escape its snapshot. The layer is refused whole. */
export class UnsafeLayerError extends Error {
  constructor(
    readonly entry: string,
    readonly reason: string,
  ) {
    super(`refusing layer: entry ${JSON.stringify(entry)} ${reason}`);
    this.name = 'UnsafeLayerError';
  }
}
// #endregion unsafe-error

// #region entry-path
/**
 * A tar entry name (or a hard link's target, for `entry`) as a clean path
 * relative to the snapshot root ("" is the root itself). Refuses names that
 * could point outside.
 */
export function entryPath(name: string, entry = name): string {
  const what = name === entry ? 'is' : `links to ${JSON.stringify(name)}, which is`;
  if (name.includes('\0')) throw new UnsafeLayerError(entry, `${what} a name with a NUL byte`);
  if (name.startsWith('/')) throw new UnsafeLayerError(entry, `${what} an absolute path`);
  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) throw new UnsafeLayerError(entry, `${what} a path with a ".." component`);
  return parts.join('/');
}
// #endregion entry-path

// #region lstat
/** lstat that answers undefined instead of throwing ENOENT. */
export function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
// #endregion lstat

// #region safe-tree
/**
 * The snapshot directory being written, and which of its directories are
 * known to be real directories. Checking every parent of every entry with
 * lstat is what makes extraction safe; remembering the answers is what
 * keeps it fast. Whenever an entry replaces something, the answers under
 * that name are forgotten, so a directory replaced by a symlink is caught.
 */
export class SafeTree {
  private readonly realDirs = new Set<string>(['']);

  constructor(readonly root: string) {}

  /** Absolute path of `rel`, after making sure its parents are real directories (creating missing ones). */
  prepareParents(entry: string, rel: string): string {
    this.walkParents(entry, rel, true);
    return join(this.root, rel);
  }

  /** Absolute path of an existing `rel` (a hard link's target), with its parents checked, never created. */
  existing(entry: string, rel: string): { path: string; stat: Stats } {
    this.walkParents(entry, rel, false);
    const path = join(this.root, rel);
    const stat = lstatOrUndefined(path);
    if (!stat) throw new UnsafeLayerError(entry, `links to "${rel}", which is not in this layer`);
    return { path, stat };
  }
  // #endregion safe-tree

  // #region safe-tree-memory
  /** `rel` is now a real directory. */
  rememberDir(rel: string): void {
    this.realDirs.add(rel);
  }

  /** `rel` was removed or replaced: forget what we knew about it and below. */
  forget(rel: string): void {
    for (const dir of this.realDirs) {
      if (dir === rel || dir.startsWith(`${rel}/`)) this.realDirs.delete(dir);
    }
    this.realDirs.add('');
  }
  // #endregion safe-tree-memory

  // #region walk-parents
  private walkParents(entry: string, rel: string, create: boolean): void {
    const parts = rel.split('/');
    parts.pop();
    let prefix = '';
    for (const part of parts) {
      prefix = prefix ? `${prefix}/${part}` : part;
      if (this.realDirs.has(prefix)) continue;
      const stat = lstatOrUndefined(join(this.root, prefix));
      if (stat === undefined && create) {
        // Docker's rule too: a parent the tar did not list is made 0755, root-owned.
        mkdirSync(join(this.root, prefix), 0o755);
      } else if (stat === undefined) {
        throw new UnsafeLayerError(entry, `has a missing parent "${prefix}"`);
      } else if (stat.isSymbolicLink()) {
        throw new UnsafeLayerError(entry, `goes through "${prefix}", which is a symlink`);
      } else if (!stat.isDirectory()) {
        throw new UnsafeLayerError(entry, `goes through "${prefix}", which is not a directory`);
      }
      this.realDirs.add(prefix);
    }
  }
}
// #endregion walk-parents
