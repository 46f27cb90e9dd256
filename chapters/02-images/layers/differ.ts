// differ.ts — an active snapshot's changes written as a layer tar (containerd's differ).

import type { Writable } from 'node:stream';
import { InvalidArgumentError } from '../../01-namespaces/index.js';
import { flattenLayers } from './copy-view.js';
import type { LayerDigest } from './layer-apply.js';
import { writeLayerDiff, writeTreeDiff } from './on-demand.js';
import type { Snapshotter } from './snapshotter.js';

// #region diff
/** Writes the changes of active snapshot `key` as an uncompressed tar layer (unmount it first). */
export async function diffSnapshot(snapshotter: Snapshotter, key: string, out: Writable): Promise<LayerDigest> {
  // Its files carry host owners shifted into the range; a layer must carry the container's.
  if (snapshotter.idMap) throw new InvalidArgumentError('writing a layer from a remapped root (--userns-remap) is not supported yet: owners are not shifted back');
  const { mode, parent } = snapshotter.activeInfo(key);
  const upper = snapshotter.upperDir(key);
  if (mode === 'overlay') return writeLayerDiff(upper, out);
  // Copy mode: compare against a fresh copy of what was below.
  return snapshotter.withScratchDir(async (lowerView) => {
    flattenLayers([...snapshotter.layerDirs(parent)].reverse(), lowerView);
    return writeTreeDiff(lowerView, upper, out);
  });
}
// #endregion diff
