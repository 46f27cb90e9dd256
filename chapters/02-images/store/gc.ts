// gc.ts — freeing what no image refers to, by mark and sweep as containerd does.

import { rmSync, statSync } from 'node:fs';
import { abandonedIngests, type ContentStore } from './content-store.js';
import type { Digest } from './digest.js';
import { readIndex, withLock } from './image-layout.js';
import type { OciImageConfig, OciIndex, OciManifest } from './manifest.js';

// #region collector
/**
 * Whatever keeps unpacked layers (the snapshotter): told the layer stacks
 * that images still need — each one an image's `rootfs.diff_ids`, bottom
 * first — it removes the rest and answers the names of what it removed.
 */
export interface SnapshotCollector {
  collect(keep: readonly (readonly Digest[])[]): Digest[] | Promise<Digest[]>;
}

/** What the collector walks: an image store's blobs, its index.json and the lock on it. */
export interface CollectableStore {
  readonly content: ContentStore;
  readonly layoutDir: string;
  readonly lockPath: string;
  readonly snapshots?: SnapshotCollector;
}

export interface GcResult {
  removed: Digest[];
  bytesFreed: number;
  /** The layer stacks that images still need (handed to the snapshotter). */
  keepLayers: Digest[][];
  /** The snapshots the snapshotter removed. */
  snapshotsRemoved: Digest[];
}
// #endregion collector

// #region mark
/** Every blob reachable from index.json, and every layer stack the images need. */
export async function markLive(store: CollectableStore): Promise<{ blobs: Set<Digest>; layers: Digest[][] }> {
  const blobs = new Set<Digest>();
  const layers: Digest[][] = [];
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
      layers.push(config.rootfs.diff_ids);
    }
  };
  for (const entry of (await readIndex(store.layoutDir)).manifests) await visit(entry.digest);
  return { blobs, layers };
}
// #endregion mark

// #region sweep
/**
 * Deletes unreachable blobs, then asks the snapshotter to drop unreachable
 * snapshots. It holds the index lock, so no name can be added mid-walk.
 */
export async function collectGarbage(store: CollectableStore): Promise<GcResult> {
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
    // The engine hands the store its snapshotter; a store opened alone has only blobs.
    const snapshotsRemoved = store.snapshots ? await store.snapshots.collect(live.layers) : [];
    return { removed, bytesFreed, keepLayers: live.layers, snapshotsRemoved };
  });
}
// #endregion sweep
