// index.ts — the storage section's surface: what the HTTP layer, the

// #region exports
export { RegistryStorage } from './registry-storage.js';
export { Layout } from './layout.js';
export { checkName, checkDigest, checkReference, isTag } from './names.js';
export { MANIFEST_MEDIA_TYPES, MAX_MANIFEST_BYTES, type ManifestReference, type StoredManifest } from './manifests.js';
export { listRepositories, listTags, paginate, repositoryExists } from './catalog.js';
export { listReferrers } from './referrers.js';
export type { UploadStatus } from './uploads.js';
export { collectGarbage, removeStaleIngests, type GcOptions, type GcReport } from './gc.js';
// #endregion exports
