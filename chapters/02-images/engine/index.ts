// index.ts — the engine section's public surface: the Engine that main.ts and chapter 03's daemon drive.

// #region exports
export { Engine, NoSuchImageError, DEFAULT_ROOT, type RunRequest } from './engine.js';
// What the daemon of chapter 03 reuses to answer the image routes and to
// run a build's steps its own way. The executable never loads this file,
// so the builder's weight falls only on a caller that wants all of it.
export { inspectImage, historyRows, type HistoryRow } from './inspect.js';
export { Builder, type BuildOptions, type StepRunner } from './builder.js';
// `import --change` and `commit --change` edit a config with Dockerfile instructions.
export { parseDockerfile, keyValues, splitWords, DockerfileError, type Instruction } from './dockerfile.js';
export { runtimeSpec, resolveUser, StartError, type RunOverrides, type VolumeMount, type ResolvedUser } from './image-config.js';
// #endregion exports
