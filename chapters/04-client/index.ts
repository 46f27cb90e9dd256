// Chapter 04's door: the SDK, for whoever drives an Engine API daemon from TypeScript.
// The `skiff` command line (cli/) is an executable, not a library: nothing imports it.

// #region exports
export * from './sdk/index.js';
// #endregion exports
