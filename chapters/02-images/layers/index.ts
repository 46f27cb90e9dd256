// index.ts — the layers section's public surface: what the engine and later chapters use of it.

// #region exports
export { chainId, chainIds, type LayerChainId } from './chain-id.js';
export { Snapshotter, layerSize, type SnapshotMode } from './snapshotter.js';
export { unpackImage } from './unpack.js';
export type { LayerDigest } from './layer-apply.js';
export type { Mount } from './overlay.js';
// #endregion exports

// #region lazy-exports
/** applyLayer: a layer's tar, unpacked into a directory. */
export const layerApplyModule = () => import('./layer-apply.js');
/** writeLayerDiff: a directory's changes, back to a layer's tar. */
export const layerDiffModule = () => import('./layer-diff.js');
/** mountRootfs, unmountRootfs: the mounts a snapshot describes, made at a target and undone. */
export const overlayModule = () => import('./overlay.js');
/** flattenLayers: a stack of layer directories copied into one. */
export const copyViewModule = () => import('./copy-view.js');
// #endregion lazy-exports
