// index.ts — the daemon as a library: what later chapters import.
//
// Chapter 04's client and chapter 05's registry start a skiffd in-process
// from here, and chapter 05 adds its routes (pull, push, login) through
// `ApiServer`'s routers rather than by editing this chapter.

// #region exports
export { startDaemon, type SkiffdOptions, type RunningDaemon } from './start.js';
export { Daemon, type DaemonConfig } from './daemon/daemon.js';
export { ApiServer } from './api/server/server.js';
export { route, type Route, type RouteContext, type Router } from './api/server/router/route.js';
export { API_VERSION, MIN_API_VERSION } from './api/server/middleware/version.js';
// #endregion exports
