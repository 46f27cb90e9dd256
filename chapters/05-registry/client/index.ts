// index.ts — the distribution client: pull and push against any registry that speaks the spec.

// #region exports
export { DistributionService, type DistributionOptions } from './service.js';
export { type HostsConfig, isLoopback } from './endpoints.js';
export { RegistrySession, type Credentials } from './session.js';
export { RemoteError, UnreachableError, VerificationError } from './errors.js';
export { hostsConfig, DEFAULT_CONFIG_FILE } from './daemon-config.js';
// #endregion exports
