// index.ts — the image layer as a library: what later chapters import, each name from its section's index.

// #region exports
export {
  type Digest, isDigest, parseDigest, digestOf, hexOf, shortId,
  parseReference, normalizeReference, familiarString, familiarRepository, isDigestName, ReferenceError, DEFAULT_DOMAIN, DEFAULT_TAG, type ImageRef,
  ContentStore, DigestMismatchError, BlobNotFoundError, ResumableWrite, type WrittenBlob,
  MediaType,
  type Descriptor, type OciManifest, type OciIndex, type OciImageConfig, type ContainerConfig, type HistoryEntry, type Platform,
  parseManifest, parseIndex, parseImageConfig, selectPlatform, hostPlatform, documentKind, ManifestError,
  ImageStore, ImageNotFoundError, ImageConflictError, type ImageRecord, type ImageDeleteItem,
  collectGarbage, type GcResult,
  loadArchive, saveArchive, type ArchiveFormat,
} from './store/index.js';
export {
  chainId, chainIds, type LayerChainId, type LayerDigest, Snapshotter, type SnapshotMode, type Mount, unpackImage,
  applyLayer, writeLayerDiff, mountRootfs, unmountRootfs, importLayer, diffSnapshot, commitLayer, ownerOnHost, ownerInContainer, mkdirAs, type IdMap,
} from './layers/index.js';
export {
  Engine, NoSuchImageError, DEFAULT_ROOT, type RunRequest,
  inspectImage, historyRows, type HistoryRow, Builder, type BuildOptions, type StepRunner,
  parseDockerfile, keyValues, splitWords, DockerfileError, type Instruction,
  runtimeSpec, resolveUser, StartError, type RunOverrides, type VolumeMount, type ResolvedUser,
} from './engine/index.js';
// #endregion exports
