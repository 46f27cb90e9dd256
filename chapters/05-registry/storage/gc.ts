// gc.ts — mark and sweep: the blobs no manifest needs, removed.

import { mkdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { hexOf, type Digest } from '../../02-images/index.js';
import { listRepositories } from './catalog.js';
import { entriesOf, readLink, removeLinkDir } from './links.js';
import { inspectStored } from './manifests.js';
import type { RegistryStorage } from './registry-storage.js';

// #region gc-report
export interface GcOptions {
  dryRun: boolean;
  /** Blobs younger than this are kept whatever the marks say. */
  gracePeriodMs: number;
}

export interface GcReport {
  /** The blobs removed (or, in a dry run, that would be). */
  blobs: { digest: Digest; size: number }[];
  /** Blobs that a push held while they were being swept, and so were put back. */
  kept: Digest[];
}
// #endregion gc-report

// #region mark
/** Every blob a manifest revision of some repository names, the revisions included. */
async function mark(storage: RegistryStorage): Promise<Set<Digest>> {
  const live = new Set<Digest>();
  for (const name of await listRepositories(storage.layout)) {
    for (const hex of await entriesOf(storage.layout.revisionsDir(name))) {
      const digest = await readLink(join(storage.layout.revisionsDir(name), hex, 'link'));
      if (!digest || !storage.store.has(digest)) continue;
      live.add(digest);
      const links = inspectStored(await storage.store.read(digest));
      for (const d of [...links.blobs, ...links.manifests]) live.add(d);
    }
  }
  return live;
}
// #endregion mark

// #region sweep
export async function collectGarbage(storage: RegistryStorage, options: GcOptions): Promise<GcReport> {
  const started = Date.now();
  const live = await mark(storage);
  const report: GcReport = { blobs: [], kept: [] };
  const aside = join(storage.store.ingestDir, 'gc');
  await mkdir(aside, { recursive: true });
  // A collection killed half-way may have left blobs aside: they go back before anything is judged.
  for (const hex of await entriesOf(aside)) await rename(join(aside, hex), storage.store.path(`sha256:${hex}`));
  for (const digest of storage.store.list()) {
    if (live.has(digest)) continue;
    const info = await stat(storage.store.path(digest)).catch(() => undefined);
    if (!info || info.mtimeMs >= started - options.gracePeriodMs) continue;
    if (options.dryRun) {
      report.blobs.push({ digest, size: info.size });
      continue;
    }
    const moved = join(aside, hexOf(digest));
    if (!(await rename(storage.store.path(digest), moved).then(() => true, () => false))) continue; // gone meanwhile
    // Held by a push since the mark began? Then it is needed after all: put it back.
    const now = await stat(moved).catch(() => undefined);
    if (!now) continue; // another collection put it back first
    if (now.mtimeMs >= started) {
      await rename(moved, storage.store.path(digest));
      report.kept.push(digest);
      continue;
    }
    await unlink(moved);
    report.blobs.push({ digest, size: info.size });
  }
  if (!options.dryRun) await unlinkSwept(storage, new Set(report.blobs.map((b) => b.digest)));
  return report;
}
// #endregion sweep

// #region unlink-swept
/** Removes the repositories' links to blobs that are gone, so no link names nothing. */
async function unlinkSwept(storage: RegistryStorage, swept: Set<Digest>): Promise<void> {
  if (swept.size === 0) return;
  for (const name of await listRepositories(storage.layout)) {
    for (const hex of await entriesOf(storage.layout.layersDir(name))) {
      const digest: Digest = `sha256:${hex}`;
      if (swept.has(digest)) await removeLinkDir(dirname(storage.layout.layerLink(name, digest)));
    }
  }
}

/** Files a crashed write left in the content store's ingest area, older than the grace period. */
export async function removeStaleIngests(storage: RegistryStorage, gracePeriodMs: number): Promise<number> {
  let removed = 0;
  for (const file of await entriesOf(storage.store.ingestDir)) {
    const path = join(storage.store.ingestDir, file);
    const info = await stat(path).catch(() => undefined);
    if (info?.isFile() && info.mtimeMs < Date.now() - gracePeriodMs) {
      await rm(path, { force: true });
      removed++;
    }
  }
  return removed;
}
// #endregion unlink-swept
