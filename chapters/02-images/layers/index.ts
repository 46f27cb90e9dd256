// index.ts — the layers section's public surface: what the engine and later
// chapters use of it. The layers depend on the store (digests) and on
// chapter 01 (the system calls), never on the engine.
//
// Loading this file stays cheap, because `skiff-engine images` loads it:
// applying and diffing layers bring tar-stream, and mounting brings the libc
// bindings (koffi), so those are offered as modules to load by the code
// that needs them, with their types free to import.

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
