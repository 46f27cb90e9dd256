// docker-archive.ts — the `docker save` format, read and written.

import { open } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { createGunzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import type { ArchiveContents, ArchiveWriter } from './archive-tar.js';
import { digestOf, hexOf, type Digest } from './digest.js';
import { CONTAINERD_NAME_ANNOTATION, OCI_LAYOUT_VERSION, REF_NAME_ANNOTATION } from './image-layout.js';
import type { ImageRecord, ImageStore } from './image-store.js';
import { encodeJson, parseImageConfig, type Descriptor, type OciImageConfig, type OciManifest, type Platform } from './manifest.js';
import { MediaType } from './media-types.js';
import { familiarRepository, familiarString, parseReference } from './reference.js';

// #region manifest-json
/** One image in `manifest.json`. Paths are relative to the archive's root. */
export interface DockerArchiveEntry {
  Config: string;
  RepoTags: string[] | null;
  Layers: string[];
}

/** What a load produced: a name Docker would print, or just the id. */
export interface LoadedImage {
  id: Digest;
  /** Familiar name (`busybox:latest`), absent for an untagged image. */
  name?: string;
}
// #endregion manifest-json

// #region load-options
/** An image of the archive, checked complete, before any name points at it. */
export interface ArchiveImage { manifest: OciManifest; config: OciImageConfig }

export interface LoadOptions {
  platform?: Platform;
  /** Unpacks an image's layers; called for every image before the first one is named. */
  unpack?: (image: ArchiveImage) => Promise<void>;
}
// #endregion load-options

// #region load
/** Loads the images of a `docker save` archive whose files are in the store. */
export async function loadDockerArchive(store: ImageStore, contents: ArchiveContents, options: LoadOptions = {}): Promise<LoadedImage[]> {
  const manifestFile = contents.lookup('manifest.json')!;
  const entries = JSON.parse((await store.content.read(manifestFile.digest)).toString('utf8')) as DockerArchiveEntry[];
  if (!Array.isArray(entries)) throw new Error('invalid archive: manifest.json is not a list of images');

  // First check every image, then name them: a bad image anywhere in the
  // archive means no name at all is added.
  const verified: Array<{ manifestDigest: Digest; id: Digest; tags: string[] }> = [];
  for (const entry of entries) {
    const configFile = contents.lookup(entry.Config);
    if (!configFile) throw new Error(`invalid archive: config ${entry.Config} is missing`);
    const config = parseImageConfig(await store.content.read(configFile.digest));
    if (entry.Layers.length !== config.rootfs.diff_ids.length) {
      throw new Error(`invalid archive: ${entry.Config} lists ${config.rootfs.diff_ids.length} layers, manifest.json ${entry.Layers.length}`);
    }
    // #endregion load
    // #region load-layers
    const layers: Descriptor[] = [];
    for (const [i, layerPath] of entry.Layers.entries()) {
      const blob = contents.lookup(layerPath);
      if (!blob) throw new Error(`invalid archive: layer ${layerPath} is missing`);
      const layer = await describeLayerBlob(store, blob.digest);
      // The config's diff_ids are the uncompressed digests: each layer must match its own.
      if (layer.diffId !== config.rootfs.diff_ids[i]) {
        throw new Error(`invalid archive: layer ${layerPath} has diff id ${layer.diffId}, the config says ${config.rootfs.diff_ids[i]}`);
      }
      layers.push({ mediaType: layer.mediaType, digest: blob.digest, size: blob.size });
    }
    const tags = (entry.RepoTags ?? []).map((tag) => parseReference(tag).full);
    const manifest: OciManifest = {
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: configFile.digest, size: configFile.size },
      layers,
    };
    const manifestDigest = digestOf(encodeJson(manifest));
    if (!store.content.has(manifestDigest)) contents.added.add(manifestDigest);
    await store.content.write(encodeJson(manifest), manifestDigest);
    await options.unpack?.({ manifest, config });
    verified.push({ manifestDigest, id: configFile.digest, tags });
  }
  // #endregion load-layers

  // #region load-name
  const loaded: LoadedImage[] = [];
  for (const { manifestDigest, id, tags } of verified) {
    if (tags.length === 0) {
      await store.addManifest(manifestDigest);
      loaded.push({ id });
    }
    for (const tag of tags) {
      await store.addManifest(manifestDigest, tag);
      loaded.push({ id, name: familiarString(parseReference(tag)) });
    }
  }
  return loaded;
}
// #endregion load-name

// #region layer-blob
/**
 * A layer in a docker archive has no media type: the bytes say whether it is
 * gzip (1f 8b) or plain tar. Its diff id is the digest of the plain tar, so
 * a gzip layer is hashed through gunzip.
 */
export async function describeLayerBlob(
  store: ImageStore,
  digest: Digest,
): Promise<{ mediaType: string; diffId: Digest }> {
  const head = Buffer.alloc(4);
  const file = await open(store.content.path(digest), 'r');
  try {
    await file.read(head, 0, 4, 0);
  } finally {
    await file.close();
  }
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) {
    throw new Error(`layer ${digest} is zstd-compressed, which Skiff does not read`);
  }
  if (head[0] !== 0x1f || head[1] !== 0x8b) return { mediaType: MediaType.ociLayer, diffId: digest };
  const hash = createHash('sha256');
  await pipeline(store.content.createReadStream(digest), createGunzip(), async function* (chunks) {
    for await (const chunk of chunks) hash.update(chunk as Buffer);
  });
  return { mediaType: MediaType.ociLayerGzip, diffId: `sha256:${hash.digest('hex')}` };
}
// #endregion layer-blob

// #region save
/**
 * Writes images in the layout docker 25+ writes: `manifest.json` and
 * `repositories` for `docker load`, and `oci-layout` + `index.json` over the
 * same `blobs/sha256/` files, so OCI tools read the archive too.
 */
export async function writeDockerArchive(
  store: ImageStore,
  images: Array<{ image: ImageRecord; names: string[] }>,
  out: ArchiveWriter,
): Promise<void> {
  const manifestJson: DockerArchiveEntry[] = [];
  const repositories: Record<string, Record<string, string>> = {};
  const index: Descriptor[] = [];
  for (const { image, names } of images) {
    const config = await out.addBlob(store, image.configDigest);
    const layers: string[] = [];
    for (const layer of image.manifest.layers) layers.push(await out.addBlob(store, layer.digest));
    await out.addBlob(store, image.manifestDigest);
    const refs = names.map((n) => parseReference(n));
    manifestJson.push({ Config: config, RepoTags: refs.length ? refs.map(familiarString) : null, Layers: layers });
    const top = image.manifest.layers.at(-1);
    for (const ref of refs) {
      if (top && ref.tag) (repositories[familiarRepository(ref)] ??= {})[ref.tag] = hexOf(top.digest);
    }
    const descriptor = { mediaType: MediaType.ociManifest, digest: image.manifestDigest, size: store.content.size(image.manifestDigest) };
    if (refs.length === 0) index.push(descriptor);
    for (const ref of refs) {
      const annotations = { [CONTAINERD_NAME_ANNOTATION]: ref.full, [REF_NAME_ANNOTATION]: ref.tag ?? 'latest' };
      index.push({ ...descriptor, annotations });
    }
  }
  await out.addJson('index.json', { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: index });
  await out.addJson('manifest.json', manifestJson);
  await out.addJson('oci-layout', { imageLayoutVersion: OCI_LAYOUT_VERSION });
  await out.addJson('repositories', repositories);
}
// #endregion save
