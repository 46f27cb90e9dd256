// index.ts — the daemon section: the object every Backend interface is implemented by.

// #region daemon-exports
export { Daemon, SERVER_VERSION, type DaemonConfig } from './daemon.js';
export { remappedRoot, remappedDataRoot, type RemappedRoot } from './remapped-root.js';
// #endregion daemon-exports
