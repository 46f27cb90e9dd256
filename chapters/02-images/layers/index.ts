// index.ts — the layers section's public surface: what the engine and later chapters use of it.

// #region exports
export { chainId, chainIds, type LayerChainId } from './chain-id.js';
export type { AppliedLayer, LayerDigest } from './layer-apply.js';
export { applyLayer, writeLayerDiff } from './on-demand.js';
export { Snapshotter, layerSize, type SnapshotMode } from './snapshotter.js';
export { importLayer } from './applier.js';
export { diffSnapshot } from './differ.js';
export { commitLayer } from './commit-layer.js';
export { mountRootfs, unmountRootfs, type Mount } from './overlay.js';
export { flattenLayers } from './copy-view.js';
export { unpackImage } from './unpack.js';
export { ownerOnHost, ownerInContainer, mkdirAs, type IdMap } from './id-map.js';
// #endregion exports
