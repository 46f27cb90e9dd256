// index.ts — the image layer as a library: what later chapters import, each name from its section's index.

// #region exports
export {
  type Digest, isDigest, parseDigest, digestOf, hexOf,
  parseReference, normalizeReference, familiarString, ReferenceError, DEFAULT_DOMAIN, DEFAULT_TAG, type ImageRef,
  ContentStore, DigestMismatchError, BlobNotFoundError, type WrittenBlob,
  type Descriptor, type OciManifest, type OciIndex, type OciImageConfig, type ContainerConfig, type HistoryEntry, type Platform,
  ImageStore, ImageNotFoundError, ImageConflictError, type ImageRecord, type ImageDeleteItem,
  collectGarbage, type GcResult,
  type ArchiveFormat,
} from './store/index.js';
export {
  chainId, chainIds, type LayerChainId, type LayerDigest, Snapshotter, type SnapshotMode, type Mount, unpackImage,
} from './layers/index.js';
export {
  Engine, NoSuchImageError, DEFAULT_ROOT, type RunRequest,
  inspectImage, historyRows, type HistoryRow, Builder, type BuildOptions, type StepRunner,
  parseDockerfile, keyValues, splitWords, DockerfileError, type Instruction,
  runtimeSpec, resolveUser, StartError, type RunOverrides, type VolumeMount, type ResolvedUser,
} from './engine/index.js';
// #endregion exports

// #region lazy-exports
// The parts each section loads only on demand; a later chapter that imports
// this file wants the whole library, so it loads them here, once.
import { archiveModule, manifestModule } from './store/index.js';
import { layerApplyModule, layerDiffModule, overlayModule } from './layers/index.js';

export const { parseManifest, parseIndex, parseImageConfig, selectPlatform, hostPlatform, ManifestError } =
  await manifestModule();
export type ManifestError = InstanceType<typeof ManifestError>;
export const { loadArchive, saveArchive } = await archiveModule();
export const { applyLayer } = await layerApplyModule();
export const { writeLayerDiff } = await layerDiffModule();
export const { mountRootfs, unmountRootfs } = await overlayModule();
// #endregion lazy-exports
