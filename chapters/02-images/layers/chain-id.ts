// chain-id.ts — the name of a stack of layers (image-spec `config.md`, "Layer ChainID").

import { type Digest, digestOf } from '../store/index.js';

// #region chain-id
/** The ChainID of a stack of layers: names a snapshot, never a blob. */
export type LayerChainId = Digest & { readonly __brand: 'LayerChainId' };

/** The ChainID of `diffId` applied on top of `parent` (null for the bottom layer). */
export function chainId(parent: LayerChainId | null, diffId: Digest): LayerChainId {
  if (parent === null) return diffId as LayerChainId;
  return digestOf(`${parent} ${diffId}`) as LayerChainId;
}

/** The ChainIDs of every prefix of an image's `rootfs.diff_ids`, bottom first. */
export function chainIds(diffIds: readonly Digest[]): LayerChainId[] {
  const ids: LayerChainId[] = [];
  let parent: LayerChainId | null = null;
  for (const diffId of diffIds) {
    parent = chainId(parent, diffId);
    ids.push(parent);
  }
  return ids;
}
// #endregion chain-id
