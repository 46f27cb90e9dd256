// commit-layer.ts — an active snapshot committed through its layer tar: the differ's output is the applier's input.

import { PassThrough, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { diffSnapshot } from './differ.js';
import { applyLayer } from './on-demand.js';
import type { CommittedSnapshot, Snapshotter } from './snapshotter.js';

// #region commit
/**
 * Commits active snapshot `key`. The changes go through the tar format and
 * back: diffed once, the one tar stream goes two ways at the same time —
 * into `layer` if the caller wants the layer (the builder stores it as a
 * blob), and through applyLayer into the directory the snapshotter hands
 * out for the new snapshot. A committed snapshot is then always exactly
 * what its layer tar says, whichever mode made it, with no overlayfs
 * bookkeeping left in it.
 */
export async function commitLayer(snapshotter: Snapshotter, key: string, layer?: Writable): Promise<CommittedSnapshot> {
  return snapshotter.commit(key, async (dir) => {
    const tar = new PassThrough();
    const toSnapshot = tar.pipe(new PassThrough()); // pipe() to two readers waits for the slower one
    if (layer) tar.pipe(layer);
    const diffing = diffSnapshot(snapshotter, key, tar).catch((err: Error) => {
      toSnapshot.destroy(err);
      layer?.destroy(err);
      throw err;
    });
    const applying = applyLayer(dir, toSnapshot, snapshotter.idMap).catch((err: Error) => {
      tar.destroy(err); // stop the diff writer too
      throw err;
    });
    const [, applied] = await Promise.all([diffing, applying, layer && finished(layer, { readable: false })]);
    return applied;
  });
}
// #endregion commit
