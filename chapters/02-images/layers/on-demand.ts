// on-demand.ts — reading and writing layer tars, loaded by their first call.
//
// Applying a layer and writing one take tar-stream and half a dozen modules
// of ours. Every command is a fresh process, and the ones that only read
// the store (`images`, `inspect`, `ps`) never unpack or diff a layer; so
// the section offers these stand-ins, which import the code the first time
// one is called. The applier and the differ call them too.

// #region tar-code
type LayerApply = typeof import('./layer-apply.js');
type LayerDiff = typeof import('./layer-diff.js');
type TreeDiff = typeof import('./tree-diff.js');

/** A layer's tar, unpacked into a directory (layer-apply.ts). */
export const applyLayer = async (...args: Parameters<LayerApply['applyLayer']>) =>
  (await import('./layer-apply.js')).applyLayer(...args);
/** An overlay upper directory, written as a layer's tar (layer-diff.ts). */
export const writeLayerDiff = async (...args: Parameters<LayerDiff['writeLayerDiff']>) =>
  (await import('./layer-diff.js')).writeLayerDiff(...args);
/** The changes between two trees, written as a layer's tar (tree-diff.ts). */
export const writeTreeDiff = async (...args: Parameters<TreeDiff['writeTreeDiff']>) =>
  (await import('./tree-diff.js')).writeTreeDiff(...args);
// #endregion tar-code
