// index.ts — the image layer as a library: what later chapters import.
//
// The executable (main.ts) is a thin layer over the Engine; the daemon of
// chapter 03 will hold one Engine for its whole life and serve the Engine
// API's image routes from it, and the registry of chapter 05 will share the
// content store and the reference grammar.

// #region exports
export { type Digest, isDigest, parseDigest, digestOf, hexOf } from './store/digest.js';
export {
  parseReference, normalizeReference, familiarString, ReferenceError, DEFAULT_DOMAIN, DEFAULT_TAG, type ImageRef,
} from './store/reference.js';
export { ContentStore, DigestMismatchError, BlobNotFoundError, type WrittenBlob } from './store/content-store.js';
export {
  parseManifest, parseIndex, parseImageConfig, selectPlatform, hostPlatform, ManifestError,
  type Descriptor, type OciManifest, type OciIndex, type OciImageConfig, type ContainerConfig, type HistoryEntry, type Platform,
} from './store/manifest.js';
export { ImageStore, ImageNotFoundError, ImageConflictError, type ImageRecord, type ImageDeleteItem } from './store/image-store.js';
export { collectGarbage, type GcResult } from './store/gc.js';
export { chainId, chainIds, type LayerChainId } from './layers/chain-id.js';
export { applyLayer, type LayerDigest } from './layers/layer-apply.js';
export { writeLayerDiff } from './layers/layer-diff.js';
export { Snapshotter, type SnapshotMode } from './layers/snapshotter.js';
export { mountRootfs, unmountRootfs, type Mount } from './layers/overlay.js';
export { unpackImage } from './layers/unpack.js';
export { loadArchive, saveArchive, type ArchiveFormat } from './store/archive.js';
export { Engine, NoSuchImageError, DEFAULT_ROOT, type RunRequest } from './engine/engine.js';
// #endregion exports
