// gc.ts — freeing what no image refers to.
//
// Mark and sweep, as containerd's garbage collector does: the roots are the
// entries of index.json; from each, follow manifest → config and layers (and
// index → manifests); every blob reached is live, every other blob is
// garbage. The snapshots on disk are named by ChainID, which the config's
// `rootfs.diff_ids` determine, so the same walk says which snapshots the
// snapshotter must keep.

import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chainIds, type LayerChainId } from '../layers/chain-id.js';
import { abandonedIngests } from './content-store.js';
import type { Digest } from './digest.js';
import { readIndex, withLock } from './image-layout.js';
import type { ImageStore } from './image-store.js';
import type { OciImageConfig, OciIndex, OciManifest } from './manifest.js';
import { Snapshotter } from '../layers/snapshotter.js';

/** Whatever keeps snapshots (snapshotter.ts): told which are still needed, it answers what it removed. */
export interface SnapshotCollector {
  gc(keep: ReadonlySet<LayerChainId>): LayerChainId[] | Promise<LayerChainId[]>;
}

export interface GcResult {
  removed: Digest[];
  bytesFreed: number;
  /** The snapshots that images still need (handed to the snapshotter). */
  keepSnapshots: Set<LayerChainId>;
  /** The snapshots the snapshotter removed. */
  snapshotsRemoved: LayerChainId[];
}

// #region mark
/** Every blob reachable from index.json, and every ChainID the images need. */
export async function markLive(store: ImageStore): Promise<{ blobs: Set<Digest>; chains: Set<LayerChainId> }> {
  const blobs = new Set<Digest>();
  const chains = new Set<LayerChainId>();
  const visit = async (digest: Digest): Promise<void> => {
    if (blobs.has(digest) || !store.content.has(digest)) return;
    blobs.add(digest);
    // Documents were checked on their way in; their digest vouches for them now.
    const doc = await store.content.readJson<Partial<OciIndex & OciManifest>>(digest);
    for (const child of doc.manifests ?? []) await visit(child.digest); // an index
    if (!doc.config) return;
    blobs.add(doc.config.digest);
    for (const layer of doc.layers ?? []) blobs.add(layer.digest);
    if (store.content.has(doc.config.digest)) {
      const config = await store.content.readJson<OciImageConfig>(doc.config.digest);
      for (const id of chainIds(config.rootfs.diff_ids)) chains.add(id);
    }
  };
  for (const entry of (await readIndex(store.layoutDir)).manifests) await visit(entry.digest);
  return { blobs, chains };
}
// #endregion mark

// #region sweep
/**
 * Deletes unreachable blobs, then asks the snapshotter to drop unreachable
 * snapshots. It holds the index lock, so no name can be added mid-walk.
 */
export async function collectGarbage(store: ImageStore): Promise<GcResult> {
  return withLock(store.lockPath, async () => {
    const live = await markLive(store);
    const removed: Digest[] = [];
    let bytesFreed = 0;
    for (const digest of store.content.list()) {
      if (live.blobs.has(digest)) continue;
      bytesFreed += store.content.size(digest);
      await store.content.delete(digest);
      removed.push(digest);
    }
    // Half-written blobs whose writer died (a crash, a kill -9) are garbage too.
    for (const path of abandonedIngests(store.content)) {
      bytesFreed += statSync(path).size;
      rmSync(path, { force: true });
    }
    // The store's own root holds the snapshots, unless the engine handed us its snapshotter.
    const snapshots = store.snapshots ?? (existsSync(join(store.root, 'snapshots')) ? new Snapshotter(store.root) : undefined);
    const snapshotsRemoved = snapshots ? await snapshots.gc(live.chains) : [];
    return { removed, bytesFreed, keepSnapshots: live.chains, snapshotsRemoved };
  });
}
// #endregion sweep
