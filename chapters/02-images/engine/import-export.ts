// import-export.ts — a root filesystem tarball in, a container's filesystem out.

import type { Readable, Writable } from 'node:stream';
import { RuntimeError } from '../../01-namespaces/index.js';
import { chainId, importLayer, writeLayerDiff, type Snapshotter } from '../layers/index.js';
import { decompress, MediaType, type ImageRecord, type ImageStore, type OciImageConfig } from '../store/index.js';

// #region import
/**
 * Stores the tarball (uncompressed, so the blob's digest is its DiffID),
 * unpacks it into its snapshot — which also proves it is a safe, readable
 * tar — and only then names the image. A bad tarball leaves no image, and
 * the blob it left is freed by the garbage collector.
 */
export async function importRootfs(
  images: ImageStore,
  snapshotter: Snapshotter,
  input: Readable,
  options: { ref?: string; comment?: string } = {},
): Promise<ImageRecord> {
  const blob = await images.content.write((await decompress(input)).stream);
  try {
    const chain = chainId(null, blob.digest);
    if (!snapshotter.exists(chain)) await importLayer(snapshotter, chain, null, images.content.createReadStream(blob.digest));
    const created = new Date().toISOString();
    const config: OciImageConfig = {
      created,
      architecture: 'amd64',
      os: 'linux',
      config: {},
      rootfs: { type: 'layers', diff_ids: [blob.digest] },
      history: [{ created, created_by: '', comment: options.comment ?? 'Imported from -' }],
    };
    return await images.putImage({
      config,
      layers: [{ mediaType: MediaType.ociLayer, digest: blob.digest, size: blob.size }],
      ref: options.ref,
    });
  } catch (err) {
    await images.gc();
    throw new RuntimeError(`import failed: ${(err as Error).message}`);
  }
}
// #endregion import

// #region export
/** Writes the filesystem mounted at `rootfs` (a container's merged view) as a tar. */
export async function exportRootfs(rootfs: string, out: Writable): Promise<void> {
  // A merged overlay view shows no whiteouts and no overlay xattrs, so the
  // layer writer walking it writes exactly the files the container sees.
  await writeLayerDiff(rootfs, out);
}
// #endregion export
