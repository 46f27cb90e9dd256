// index.ts — the store section's public surface: what the layers, the engine and later chapters use of it.

// #region exports
export { type Digest, isDigest, parseDigest, digestOf, hexOf, shortId, digestingStream } from './digest.js';
export { MediaType } from './media-types.js';
export { detectCompression, decompress, type Compression } from './compression.js';
export { ContentStore, DigestMismatchError, BlobNotFoundError, type WrittenBlob } from './content-store.js';
export { ResumableWrite } from './resumable-write.js';
export {
  parseReference, normalizeReference, familiarString, familiarRepository, isDigestName, ReferenceError, DEFAULT_DOMAIN, DEFAULT_TAG,
  type ImageRef,
} from './reference.js';
export {
  parseManifest, parseIndex, parseImageConfig, selectPlatform, hostPlatform, encodeJson, documentKind, ManifestError,
  type Descriptor, type OciManifest, type OciIndex, type OciImageConfig, type ContainerConfig, type HistoryEntry, type Platform,
} from './manifest.js';
export { ImageStore, ImageNotFoundError, ImageConflictError, type ImageRecord, type ImageDeleteItem } from './image-store.js';
export { collectGarbage, type GcResult, type SnapshotCollector } from './gc.js';
export type { ArchiveFormat, ArchiveImage, LoadedImage, LoadOptions } from './archive.js';
export { loadArchive, saveArchive, saveArchiveToFile } from './on-demand.js';
export { outputPathProblem, writeTo, writeToFile } from './output.js';
// #endregion exports
