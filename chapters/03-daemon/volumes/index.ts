// index.ts — the volumes section: Docker's local volume driver, and a container's mount points.

// #region volumes-exports
export { VolumeStore, ANONYMOUS_LABEL, type VolumeRecord } from './volume-store.js';
export { VolumeService, type VolumeEvents } from './volume-service.js';
export { planMounts, type MountPoint, type MountContext, type VolumeSource } from './mount-points.js';
export { runtimeMounts, orderMounts } from './runtime-mounts.js';
export { bytesUnder } from './disk-usage.js';
// #endregion volumes-exports
