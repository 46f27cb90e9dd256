// oci-archive.ts — an OCI Image Layout in a tar file (image-spec `image-layout.md`).

import type { ArchiveContents, ArchiveWriter } from './archive-tar.js';
import type { ArchiveImage, LoadedImage, LoadOptions } from './docker-archive.js';
import { CONTAINERD_NAME_ANNOTATION, OCI_LAYOUT_VERSION, REF_NAME_ANNOTATION } from './image-layout.js';
import type { ImageRecord, ImageStore } from './image-store.js';
import { documentKind, parseImageConfig, parseIndex, parseManifest, selectPlatform, type Descriptor, type Platform } from './manifest.js';
import { MediaType } from './media-types.js';
import { familiarString, parseReference } from './reference.js';

// #region name
/**
 * The name an index entry gives its image. containerd (and docker 25+)
 * write the full name in `io.containerd.image.name`; skopeo and Skiff write
 * it in `org.opencontainers.image.ref.name`, which others use for a bare tag
 * (`latest`) that names no repository: such an image loads untagged.
 */
function nameOf(entry: Descriptor): string | undefined {
  const full = entry.annotations?.[CONTAINERD_NAME_ANNOTATION];
  if (full) return full;
  const refName = entry.annotations?.[REF_NAME_ANNOTATION];
  if (refName && /[/:]/.test(refName)) return refName;
  return undefined;
}
// #endregion name

// #region load
export async function loadOciArchive(
  store: ImageStore,
  contents: ArchiveContents,
  options: LoadOptions = {},
): Promise<LoadedImage[]> {
  const indexFile = contents.lookup('index.json')!;
  const index = parseIndex(await store.content.read(indexFile.digest));
  // Check every image is complete, and unpack it, before naming any of them.
  for (const entry of index.manifests) {
    const image = await assertComplete(store, entry, options.platform);
    await options.unpack?.(image);
  }
  const loaded: LoadedImage[] = [];
  for (const entry of index.manifests) {
    const name = nameOf(entry);
    const image = await store.importManifest(await store.content.read(entry.digest), {
      ref: name,
      platform: options.platform,
      mediaType: entry.mediaType,
    });
    loaded.push(name === undefined ? { id: image.id } : { id: image.id, name: familiarString(parseReference(name)) });
  }
  return loaded;
}
// #endregion load

// #region assert-complete
/** Refuses an index entry whose manifest (for this platform), config or layers are not in the archive; answers the image. */
async function assertComplete(store: ImageStore, entry: Descriptor, platform?: Platform): Promise<ArchiveImage> {
  if (!store.content.has(entry.digest)) throw new Error(`invalid archive: manifest ${entry.digest} is missing`);
  const bytes = await store.content.read(entry.digest);
  if (documentKind(bytes, entry.mediaType) === 'index') {
    return assertComplete(store, selectPlatform(parseIndex(bytes), platform), platform);
  }
  const { manifest } = parseManifest(bytes);
  for (const blob of [manifest.config, ...manifest.layers]) {
    if (!store.content.has(blob.digest)) throw new Error(`invalid archive: blob ${blob.digest} of manifest ${entry.digest} is missing`);
  }
  return { manifest, config: parseImageConfig(await store.content.read(manifest.config.digest)) };
}
// #endregion assert-complete

// #region write-oci
export async function writeOciArchive(
  store: ImageStore,
  images: Array<{ image: ImageRecord; names: string[] }>,
  out: ArchiveWriter,
): Promise<void> {
  const manifests: Descriptor[] = [];
  for (const { image, names } of images) {
    await out.addBlob(store, image.configDigest);
    for (const layer of image.manifest.layers) await out.addBlob(store, layer.digest);
    await out.addBlob(store, image.manifestDigest);
    const descriptor: Descriptor = {
      mediaType: MediaType.ociManifest,
      digest: image.manifestDigest,
      size: store.content.size(image.manifestDigest),
      platform: { os: image.config.os, architecture: image.config.architecture },
    };
    if (names.length === 0) manifests.push(descriptor);
    for (const name of names) {
      const full = parseReference(name).full;
      manifests.push({ ...descriptor, annotations: { [REF_NAME_ANNOTATION]: full, [CONTAINERD_NAME_ANNOTATION]: full } });
    }
  }
  await out.addJson('oci-layout', { imageLayoutVersion: OCI_LAYOUT_VERSION });
  await out.addJson('index.json', { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests });
}
// #endregion write-oci
