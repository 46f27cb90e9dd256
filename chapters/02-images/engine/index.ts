// index.ts — the engine section's public surface: the Engine that the
// command line (main.ts) drives, and that the daemon of chapter 03 will hold
// for its whole life.

// #region exports
export { Engine, NoSuchImageError, DEFAULT_ROOT, type RunRequest } from './engine.js';
// #endregion exports
