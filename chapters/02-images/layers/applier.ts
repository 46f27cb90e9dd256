// applier.ts — a layer's tar unpacked as a committed snapshot (containerd's applier).

import type { Readable } from 'node:stream';
import { NotFoundError } from '../../01-namespaces/index.js';
import type { LayerChainId } from './chain-id.js';
import type { LayerDigest } from './layer-apply.js';
import { applyLayer } from './on-demand.js';
import type { Snapshotter } from './snapshotter.js';

// #region import-layer
/**
 * Unpacks a layer tar (plain or gzip) as the committed snapshot `chainId`
 * on top of `parent`: the snapshotter hands out the empty directory, and
 * publishes it only if the layer's DiffID gives `chainId`. A remapped
 * snapshotter's layers are unpacked with their owners shifted (id-map.ts).
 */
export async function importLayer(snapshotter: Snapshotter, chainId: LayerChainId, parent: LayerChainId | null, input: Readable): Promise<LayerDigest> {
  if (parent !== null && !snapshotter.exists(parent)) throw new NotFoundError(`parent snapshot ${parent} does not exist`);
  return snapshotter.create(parent, (dir) => applyLayer(dir, input, snapshotter.idMap), chainId);
}
// #endregion import-layer
