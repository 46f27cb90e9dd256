// index.ts — the store section's public surface: what the layers, the engine and later chapters use of it.

// #region exports
export { type Digest, isDigest, parseDigest, digestOf, hexOf, digestingStream } from './digest.js';
export { MediaType } from './media-types.js';
export { ContentStore, DigestMismatchError, BlobNotFoundError, type WrittenBlob } from './content-store.js';
export { syncDirectory } from './content-store.js';
export { writeFileAtomic } from './image-layout.js';
export {
  parseReference, normalizeReference, familiarString, familiarRepository, ReferenceError, DEFAULT_DOMAIN, DEFAULT_TAG,
  type ImageRef,
} from './reference.js';
export { ImageStore, ImageNotFoundError, ImageConflictError, type ImageRecord, type ImageDeleteItem } from './image-store.js';
export { collectGarbage, type GcResult, type SnapshotCollector } from './gc.js';
export { outputPathProblem, writeTo, writeFileAtomically } from './output.js';
export type {
  Descriptor, OciManifest, OciIndex, OciImageConfig, ContainerConfig, HistoryEntry, Platform,
} from './manifest.js';
export type { ArchiveFormat, ArchiveImage, LoadedImage, LoadOptions } from './archive.js';
// #endregion exports

// #region lazy-exports
/** parseManifest, parseIndex, parseImageConfig, selectPlatform, hostPlatform, encodeJson, ManifestError. */
export const manifestModule = () => import('./manifest.js');
/** loadArchive, saveArchive: `docker save` and OCI archives. */
export const archiveModule = () => import('./archive.js');
/** maybeGunzip: the tar plumbing that `import` shares with the archives. */
export const archiveTarModule = () => import('./archive-tar.js');
// #endregion lazy-exports
