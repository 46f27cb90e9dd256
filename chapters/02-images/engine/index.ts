// index.ts — the engine section's public surface: the Engine that main.ts and chapter 03's daemon drive.

// #region exports
export { Engine, NoSuchImageError, DEFAULT_ROOT, type RunRequest } from './engine.js';
// #endregion exports
