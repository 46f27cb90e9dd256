// index.ts — the image layer as a library: what later chapters import.
//
// The executable (engine/main.ts) is a thin layer over the Engine; the daemon
// of chapter 03 will hold one Engine for its whole life and serve the Engine
// API's image routes from it, and the registry of chapter 05 will share the
// content store and the reference grammar. Each name comes from the index of
// its section: store/, layers/ or engine/.

// #region exports
export {
  type Digest, isDigest, parseDigest, digestOf, hexOf,
  parseReference, normalizeReference, familiarString, ReferenceError, DEFAULT_DOMAIN, DEFAULT_TAG, type ImageRef,
  ContentStore, DigestMismatchError, BlobNotFoundError, type WrittenBlob,
  type Descriptor, type OciManifest, type OciIndex, type OciImageConfig, type ContainerConfig, type HistoryEntry, type Platform,
  parseManifest, parseIndex, parseImageConfig, selectPlatform, hostPlatform, ManifestError,
  ImageStore, ImageNotFoundError, ImageConflictError, type ImageRecord, type ImageDeleteItem,
  collectGarbage, type GcResult,
  loadArchive, saveArchive, type ArchiveFormat,
} from './store/index.js';
export {
  chainId, chainIds, type LayerChainId, type LayerDigest, Snapshotter, type SnapshotMode, type Mount, unpackImage,
  applyLayer, writeLayerDiff, mountRootfs, unmountRootfs,
} from './layers/index.js';
export { Engine, NoSuchImageError, DEFAULT_ROOT, type RunRequest } from './engine/index.js';
// #endregion exports
