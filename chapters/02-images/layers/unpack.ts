// unpack.ts — from an image's layer blobs to a stack of snapshots.

import type { Readable } from 'node:stream';
import { InvalidArgumentError } from '../../01-namespaces/index.js';
import { chainIds, type LayerChainId } from './chain-id.js';
import type { Digest } from '../store/index.js';
import type { Snapshotter } from './snapshotter.js';
import { importLayer } from './applier.js';

// #region unpack
/** What unpacking needs of an image store: a way to read a blob. */
export interface BlobSource {
  content: { createReadStream(digest: Digest): Readable };
}

/** What unpacking needs of an image: its layers and their DiffIDs. */
export interface UnpackableImage {
  manifest: { layers: readonly { digest: Digest; mediaType?: string }[] };
  config: { rootfs: { diff_ids: readonly Digest[] } };
}

/** Makes sure every layer of `image` is a snapshot; answers the top ChainID (null: no layers). */
export async function unpackImage(store: BlobSource, image: UnpackableImage, snapshotter: Snapshotter): Promise<LayerChainId | null> {
  const layers = image.manifest.layers;
  const diffIds = image.config.rootfs.diff_ids;
  if (layers.length !== diffIds.length) {
    throw new InvalidArgumentError(`image has ${layers.length} layers but its config lists ${diffIds.length} diff_ids`);
  }
  const ids = chainIds(diffIds);
  let parent: LayerChainId | null = null;
  for (const [i, chainId] of ids.entries()) {
    if (!snapshotter.exists(chainId)) {
      // importLayer checks the unpacked bytes against diff_ids[i] through the ChainID.
      await importLayer(snapshotter, chainId, parent, store.content.createReadStream(layers[i].digest));
    }
    parent = chainId;
  }
  return parent;
}
// #endregion unpack
