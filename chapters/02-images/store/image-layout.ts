// image-layout.ts — the store's directory is an OCI Image Layout.
//
// image-spec `image-layout.md`: a directory with an `oci-layout` file naming
// the layout version, a `blobs/<alg>/<hex>` tree, and an `index.json` listing
// the manifests the layout holds, each named by the annotation
// `org.opencontainers.image.ref.name`. Keeping Skiff's own store in exactly
// this shape is what lets skopeo and umoci read it with no export step.

import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { open, readFile, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isRunning, ownerOf, ownerTag, RuntimeError, writeAtomically } from '../../01-namespaces/index.js';
import { isDigest } from './digest.js';
import type { OciIndex } from './manifest.js';
import { MediaType } from './media-types.js';

// #region layout
export const OCI_LAYOUT_FILE = 'oci-layout';
export const INDEX_FILE = 'index.json';
export const OCI_LAYOUT_VERSION = '1.0.0';
/** The annotation that names a manifest in an index (image-spec `annotations.md`). */
export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';
/** containerd's (and docker 25+'s) annotation for the full image name. */
export const CONTAINERD_NAME_ANNOTATION = 'io.containerd.image.name';
/**
 * This store's own annotation: the `repository@digest` names a registry
 * knows a named image by, comma-separated (annotation values are strings).
 * Other readers of the layout ignore it, as the spec lets them.
 */
export const REPO_DIGESTS_ANNOTATION = 'io.skiff.image.repo-digests';

const emptyIndex = (): OciIndex => ({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] });

/**
 * Creates `oci-layout`, `blobs/sha256/` and an empty `index.json` where
 * missing. Like every file Skiff keeps, they are written with chapter 01's
 * writeAtomically: a temporary name, fsync, rename, fsync of the directory.
 */
export function ensureLayout(dir: string): void {
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  if (!existsSync(join(dir, OCI_LAYOUT_FILE))) {
    writeAtomically(join(dir, OCI_LAYOUT_FILE), JSON.stringify({ imageLayoutVersion: OCI_LAYOUT_VERSION }));
  }
  if (!existsSync(join(dir, INDEX_FILE))) writeAtomically(join(dir, INDEX_FILE), JSON.stringify(emptyIndex()));
}
// #endregion layout

/**
 * Reads index.json. Only its outline is checked here, not each descriptor
 * against the schemas of manifest.ts: every command reads the index, and the
 * schemas are for documents entering the store (image-store.ts, `put`).
 */
export async function readIndex(dir: string): Promise<OciIndex> {
  try {
    return indexOutline(await readFile(join(dir, INDEX_FILE), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyIndex();
    throw err;
  }
}

function indexOutline(text: string): OciIndex {
  let index: Partial<OciIndex> | null;
  try {
    index = JSON.parse(text) as Partial<OciIndex> | null;
  } catch (err) {
    throw new RuntimeError(`invalid ${INDEX_FILE}: ${(err as Error).message}`);
  }
  const entries = index?.manifests;
  if (!Array.isArray(entries) || !entries.every((d) => typeof d?.digest === 'string' && isDigest(d.digest))) {
    throw new RuntimeError(`invalid ${INDEX_FILE}: manifests must be a list of descriptors`);
  }
  return index as OciIndex;
}

// #region index-lock
/**
 * Runs `update` on index.json while holding a lock file, so two Skiff
 * processes changing tags at once cannot lose one another's change. The lock
 * is a file created with O_EXCL naming its owner (pid and start time, chapter
 * 01's ownerTag); a lock whose owner is no longer running is taken over.
 */
export async function updateIndex<T>(
  dir: string,
  lockPath: string,
  update: (index: OciIndex) => Promise<T> | T,
): Promise<T> {
  ensureLayout(dir);
  return withLock(lockPath, async () => {
    const index = await readIndex(dir);
    const result = await update(index);
    writeAtomically(join(dir, INDEX_FILE), JSON.stringify(index));
    return result;
  });
}
// #endregion index-lock

// #region with-lock
export async function withLock<T>(lockPath: string, body: () => Promise<T>): Promise<T> {
  mkdirSync(dirname(lockPath), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      const file = await open(lockPath, 'wx', 0o644);
      await file.writeFile(ownerTag());
      await file.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (lockOwnerIsGone(lockPath)) {
        await unlink(lockPath).catch(() => undefined);
        continue;
      }
      if (attempt > 3000) throw new RuntimeError(`timed out waiting for the lock ${lockPath}`);
      await sleep(Math.min(5 + attempt, 50));
    }
  }
  try {
    return await body();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}

function lockOwnerIsGone(lockPath: string): boolean {
  let owner;
  try {
    owner = ownerOf(readFileSync(lockPath, 'utf8'));
  } catch {
    return false; // just released: try again
  }
  // No owner yet: the lock was created a moment ago and is being written.
  return owner !== undefined && !isRunning(owner);
}
// #endregion with-lock
