// tree-diff.ts — a container's changes, found by comparison.

import { lstatSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { readXattrs } from './file-metadata.js';
import type { LayerDigest } from './layer-apply.js';
import type { IdMap } from './id-map.js';
import { writeTar } from './layer-diff.js';
import { lstatOrUndefined } from './safe-path.js';

// #region tree-diff
type Change = { kind: 'add'; rel: string } | { kind: 'delete'; dirRel: string; name: string };

/** Writes, as a tar layer, what changed from the tree `lower` to the tree `current` (owners shifted back with an `idMap`). */
export async function writeTreeDiff(lower: string, current: string, out: Writable, idMap?: IdMap): Promise<LayerDigest> {
  const changes = compareDir(lower, current, '');
  return writeTar(out, async (writer) => {
    for (const change of changes) {
      if (change.kind === 'delete') {
        await writer.whiteout(change.dirRel, change.name, lstatSync(join(current, change.dirRel)).mtime);
      } else {
        const abs = join(current, change.rel);
        await writer.add(change.rel, abs, lstatSync(abs));
      }
    }
  }, idMap);
}
// #endregion tree-diff

// #region compare-dir
function compareDir(lower: string, current: string, dirRel: string): Change[] {
  const changes: Change[] = [];
  const here = readdirSync(join(current, dirRel)).sort();
  const below = new Set(readdirSync(join(lower, dirRel)));
  const present = new Set(here);
  for (const name of [...below].sort()) {
    if (!present.has(name)) changes.push({ kind: 'delete', dirRel, name });
  }
  for (const name of here) {
    const rel = dirRel ? `${dirRel}/${name}` : name;
    const now = lstatSync(join(current, rel));
    const before = below.has(name) ? lstatOrUndefined(join(lower, rel)) : undefined;
    if (before && now.isDirectory() && before.isDirectory()) {
      // A directory is written out if it changed itself or anything in it
      // did: its entry carries its attributes into the new layer.
      const inside = compareDir(lower, current, rel);
      if (inside.length > 0 || !sameEntry(join(lower, rel), before, join(current, rel), now)) {
        changes.push({ kind: 'add', rel }, ...inside);
      }
    } else if (!before || !sameEntry(join(lower, rel), before, join(current, rel), now)) {
      changes.push({ kind: 'add', rel });
      if (now.isDirectory()) changes.push(...everything(current, rel));
    }
  }
  return changes;
}
// #endregion compare-dir

// #region same-entry
function everything(root: string, dirRel: string): Change[] {
  return readdirSync(join(root, dirRel))
    .sort()
    .flatMap((name) => {
      const rel = `${dirRel}/${name}`;
      const add: Change = { kind: 'add', rel };
      return lstatSync(join(root, rel)).isDirectory() ? [add, ...everything(root, rel)] : [add];
    });
}

/** Same file, as far as metadata can tell? (mtimes within a microsecond: utimes(2) goes through a double.) */
function sameEntry(aPath: string, a: Stats, bPath: string, b: Stats): boolean {
  if (a.mode !== b.mode || a.uid !== b.uid || a.gid !== b.gid) return false; // st_mode: type and permissions
  if (Math.abs(a.mtimeMs - b.mtimeMs) >= 0.001) return false;
  if (a.isFile() && a.size !== b.size) return false;
  if (a.isSymbolicLink() && readlinkSync(aPath) !== readlinkSync(bPath)) return false;
  if ((a.isCharacterDevice() || a.isBlockDevice()) && a.rdev !== b.rdev) return false;
  return sameXattrs(readXattrs(aPath), readXattrs(bPath));
}

function sameXattrs(a: Map<string, Buffer>, b: Map<string, Buffer>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, value] of a) if (!b.get(name)?.equals(value)) return false;
  return true;
}
// #endregion same-entry
