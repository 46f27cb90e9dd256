// index.ts — the daemon as a library: what later chapters import.
//
// Chapter 04's client and chapter 05's registry start a skiffd in-process
// from here, and chapter 05 adds its routes (pull, push, login) through
// `ApiServer`'s routers rather than by editing this chapter.

// #region exports
export { startDaemon, type SkiffdOptions, type RunningDaemon } from './start.js';
export { Daemon, type DaemonConfig } from './daemon/index.js';
export { ApiServer, route, API_VERSION, MIN_API_VERSION, type Route, type RouteContext, type Router } from './api/index.js';
// #endregion exports
