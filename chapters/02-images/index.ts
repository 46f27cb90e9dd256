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
  syncDirectory, writeFileAtomic, MediaType,
  type Descriptor, type OciManifest, type OciIndex, type OciImageConfig, type ContainerConfig, type HistoryEntry, type Platform,
  ImageStore, ImageNotFoundError, ImageConflictError, type ImageRecord, type ImageDeleteItem,
  collectGarbage, type GcResult,
  type ArchiveFormat,
} from './store/index.js';
export {
  chainId, chainIds, type LayerChainId, type LayerDigest, Snapshotter, type SnapshotMode, type Mount, unpackImage,
} from './layers/index.js';
export { Engine, NoSuchImageError, DEFAULT_ROOT, type RunRequest } from './engine/index.js';
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
