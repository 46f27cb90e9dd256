// differ.ts — an active snapshot's changes written as a layer tar (containerd's differ).

import type { Writable } from 'node:stream';
import { flattenLayers } from './copy-view.js';
import type { LayerDigest } from './layer-apply.js';
import { writeLayerDiff, writeTreeDiff } from './on-demand.js';
import type { Snapshotter } from './snapshotter.js';

// #region diff
/** Writes the changes of active snapshot `key` as an uncompressed tar layer (unmount it first). */
export async function diffSnapshot(snapshotter: Snapshotter, key: string, out: Writable): Promise<LayerDigest> {
  const { mode, parent } = snapshotter.activeInfo(key);
  const upper = snapshotter.upperDir(key);
  // A remapped snapshot's files carry host owners; its layer carries the container's.
  const idMap = snapshotter.idMap;
  if (mode === 'overlay') return writeLayerDiff(upper, out, idMap);
  // Copy mode: compare against a fresh copy of what was below.
  return snapshotter.withScratchDir(async (lowerView) => {
    flattenLayers([...snapshotter.layerDirs(parent)].reverse(), lowerView);
    return writeTreeDiff(lowerView, upper, out, idMap);
  });
}
// #endregion diff
