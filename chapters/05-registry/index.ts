// index.ts — the registry as a library: what later chapters import.

// #region exports
export { RegistryError, type ErrorCode } from './errors.js';
export { RegistryStorage, checkName, checkReference, checkDigest, MANIFEST_MEDIA_TYPES } from './storage/index.js';
export { registryApi, type ApiOptions, type AccessController } from './api/index.js';
export { loadConfig, parseDuration, type RegistryConfig } from './config.js';
export { serve, parseListen, type Running, type ServeOptions } from './serve.js';
// #endregion exports
