// index.ts — the daemon as a library: what later chapters import.

// #region exports
export { startDaemon, type SkiffdOptions, type RunningDaemon } from './start.js';
export { skiffdCommand, runSkiffd, collect } from './command.js';
export { Daemon, type DaemonConfig } from './daemon/index.js';
export {
  ApiServer, route, API_VERSION, MIN_API_VERSION, HttpStatusError, registryHost,
  type Route, type RouteContext, type Router, type DistributionBackend, type AuthConfig, type PushResult, type JsonMessage,
} from './api/index.js';
// #endregion exports
