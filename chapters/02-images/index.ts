// index.ts — the image layer as a library: what later chapters import.
//
// The executable (main.ts) is a thin layer over the Engine; the daemon of
// chapter 03 will hold one Engine for its whole life and serve the Engine
// API's image routes from it, and the registry of chapter 05 will share the
// content store and the reference grammar.

// #region exports
export { type Digest, isDigest, parseDigest, digestOf, hexOf } from './digest.js';
export {
  parseReference, normalizeReference, familiarString, ReferenceError, DEFAULT_DOMAIN, DEFAULT_TAG, type ImageRef,
} from './reference.js';
export { ContentStore, DigestMismatchError, BlobNotFoundError, type WrittenBlob } from './content-store.js';
export {
  parseManifest, parseIndex, parseImageConfig, selectPlatform, hostPlatform, ManifestError,
  type Descriptor, type OciManifest, type OciIndex, type OciImageConfig, type ContainerConfig, type HistoryEntry, type Platform,
} from './manifest.js';
export { ImageStore, ImageNotFoundError, ImageConflictError, type ImageRecord, type ImageDeleteItem } from './image-store.js';
export { collectGarbage, type GcResult } from './gc.js';
export { chainId, chainIds, type LayerChainId } from './chain-id.js';
export { applyLayer, type LayerDigest } from './layer-apply.js';
export { writeLayerDiff } from './layer-diff.js';
export { Snapshotter, type SnapshotMode } from './snapshotter.js';
export { mountRootfs, unmountRootfs, type Mount } from './overlay.js';
export { unpackImage } from './unpack.js';
export { loadArchive, saveArchive, type ArchiveFormat } from './archive.js';
export { Engine, NoSuchImageError, DEFAULT_ROOT, type RunRequest } from './engine.js';
export { inspectImage, historyRows, type HistoryRow } from './inspect.js';
export { Builder, type BuildOptions, type StepRunner } from './builder.js';
export { runtimeSpec, StartError, type RunOverrides, type VolumeMount } from './image-config.js';
// #endregion exports
