// copy-view.ts — the snapshotter's fallback when there is no overlayfs.

import { copyFileSync, linkSync, lstatSync, mkdirSync, readdirSync, readlinkSync, rmSync, symlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { mknod } from '../../01-namespaces/index.js';
import { applyMetadata, deviceNumbers, readXattrs } from './file-metadata.js';
import { lstatOrUndefined } from './safe-path.js';
import { isOpaque, isWhiteout } from './whiteouts.js';

// #region flatten
/** Copies `layers` (bottom first, each in overlay format) into `target` as one merged tree. */
export function flattenLayers(layers: readonly string[], target: string): void {
  mkdirSync(target, { recursive: true });
  for (const layer of layers) mergeDir(layer, target, new Map());
}

/** Lays one layer's directory over the merged directory, as overlayfs would show it. */
function mergeDir(src: string, dst: string, links: Map<number, string>): void {
  // An opaque directory hides everything the layers below put in it.
  if (isOpaque(src)) for (const name of readdirSync(dst)) rmSync(join(dst, name), { recursive: true });
  for (const name of readdirSync(src)) {
    const from = join(src, name);
    const to = join(dst, name);
    const stat = lstatSync(from);
    const existing = lstatOrUndefined(to);
    if (existing && !(existing.isDirectory() && stat.isDirectory())) {
      rmSync(to, { recursive: true }); // replaced (or whited out) by this layer
    }
    if (isWhiteout(stat)) continue;
    if (stat.isDirectory()) {
      if (!existing?.isDirectory()) mkdirSync(to);
      mergeDir(from, to, links);
    } else {
      copyEntry(from, to, stat, links);
    }
    copyMetadata(from, to, stat);
  }
  copyMetadata(src, dst, lstatSync(src));
}
// #endregion flatten

// #region copy-entry
/** Copies one non-directory, keeping hard links within the layer as links. */
function copyEntry(from: string, to: string, stat: Stats, links: Map<number, string>): void {
  if (stat.isFile() && stat.nlink > 1) {
    const first = links.get(stat.ino);
    if (first) return linkSync(first, to);
    links.set(stat.ino, to);
  }
  if (stat.isFile()) copyFileSync(from, to);
  else if (stat.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
  else {
    const { major, minor } = deviceNumbers(stat.rdev);
    mknod(to, stat.mode, major, minor);
  }
}

export function copyMetadata(from: string, to: string, stat: Stats): void {
  applyMetadata(to, { mode: stat.mode, uid: stat.uid, gid: stat.gid, mtimeMs: stat.mtimeMs, xattrs: readXattrs(from) }, stat.isSymbolicLink());
}
// #endregion copy-entry
