// archive.ts — `load` and `save`: which format, and all or nothing.

import type { Readable, Writable } from 'node:stream';
import { ArchiveContents, ArchiveWriter, ingestArchive } from './archive-tar.js';
import type { Digest } from './digest.js';
import { loadDockerArchive, writeDockerArchive, type ArchiveImage, type LoadedImage, type LoadOptions } from './docker-archive.js';
import { markLive } from './gc.js';
import { withLock } from './image-layout.js';
import type { ImageRecord, ImageStore } from './image-store.js';
import { loadOciArchive, writeOciArchive } from './oci-archive.js';
import { writeFileAtomically } from './output.js';
import { parseReference } from './reference.js';

// #region load
export type ArchiveFormat = 'docker' | 'oci';
export type { ArchiveImage, LoadedImage, LoadOptions };

/**
 * Loads every image of an archive. If anything is wrong with it — a blob
 * that does not match its name, a layer that does not match its diff id, a
 * missing file — the load fails and the blobs it added are removed again.
 */
export async function loadArchive(
  store: ImageStore,
  input: Readable,
  options: LoadOptions = {},
): Promise<LoadedImage[]> {
  const contents = new ArchiveContents();
  try {
    await ingestArchive(store, input, contents);
    if (contents.has('manifest.json')) return await loadDockerArchive(store, contents, options);
    if (contents.has('index.json') && contents.has('oci-layout')) return await loadOciArchive(store, contents, options);
    throw new Error('invalid archive: no manifest.json (docker save) nor index.json and oci-layout (OCI layout) found');
  } catch (err) {
    throw new Error(`load failed: ${(err as Error).message}`);
  } finally {
    await dropUnreferenced(store, contents.added);
  }
}

/** Removes the blobs an archive added that no image ended up using (its JSON files, a failed load). */
async function dropUnreferenced(store: ImageStore, added: Set<Digest>): Promise<void> {
  if (added.size === 0) return;
  await withLock(store.lockPath, async () => {
    const live = await markLive(store);
    for (const digest of added) if (!live.blobs.has(digest)) await store.content.delete(digest);
  });
}
// #endregion load

// #region save
/**
 * Writes the named images to `out`. An image named by a reference is saved
 * with that name; one named by id is saved untagged, as `docker save` does.
 */
export async function saveArchive(
  store: ImageStore,
  references: string[],
  out: Writable,
  options: { format?: ArchiveFormat } = {},
): Promise<void> {
  if (references.length === 0) throw new Error('save: no images given');
  const images = new Map<string, { image: ImageRecord; names: string[] }>();
  for (const reference of references) {
    const image = await store.resolve(reference);
    const named = image.name !== '' && image.name === tryNormalize(reference);
    const group = images.get(image.id) ?? { image, names: [] };
    if (named && !group.names.includes(image.name)) group.names.push(image.name);
    images.set(image.id, group);
  }
  const writer = new ArchiveWriter(out);
  const write = options.format === 'oci' ? writeOciArchive : writeDockerArchive;
  await write(store, [...images.values()], writer);
  await writer.finish();
}
// #endregion save

// #region save-to-file
/** `docker save -o FILE`: written whole or not at all (output.ts). */
export async function saveArchiveToFile(
  store: ImageStore,
  references: string[],
  path: string,
  options: { format?: ArchiveFormat } = {},
): Promise<void> {
  await writeFileAtomically(path, (out) => saveArchive(store, references, out, options));
}

function tryNormalize(reference: string): string | undefined {
  try {
    return parseReference(reference).full;
  } catch {
    return undefined;
  }
}
// #endregion save-to-file
