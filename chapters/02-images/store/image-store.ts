// image-store.ts — images: named manifests in the OCI layout.

import { join } from 'node:path';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../../01-namespaces/index.js';
import { ContentStore } from './content-store.js';
import { hexOf, isDigest, shortId, type Digest } from './digest.js';
import { collectGarbage, type GcResult, type SnapshotCollector } from './gc.js';
import { REF_NAME_ANNOTATION, REPO_DIGESTS_ANNOTATION, readIndex, updateIndex } from './image-layout.js';
import {
  documentKind, encodeJson, parseImageConfig, parseIndex, parseManifest, selectPlatform,
  type Descriptor, type OciImageConfig, type OciIndex, type OciManifest, type Platform,
} from './manifest.js';
import { MediaType } from './media-types.js';
import { familiarString, parseReference, ReferenceError } from './reference.js';

// #region record
/** One image as the engine sees it: one per name, plus one per untagged image. */
export interface ImageRecord {
  /** Full normalised reference (`docker.io/library/busybox:latest`), or '' when untagged. */
  name: string;
  /** Docker's image id: the digest of the config blob. */
  id: Digest;
  manifestDigest: Digest;
  manifest: OciManifest;
  configDigest: Digest;
  config: OciImageConfig;
  created?: string;
  /** Bytes of config and layer blobs as stored (compressed or not, as they came). */
  size: number;
  /** `repository@sha256:…` of the manifest as a registry holds it, recorded by pull and push (Docker's RepoDigests). */
  repoDigests: string[];
}
// #endregion record

// #region answers
/** Docker's answer to `rmi`: one line per name removed and per image deleted. */
export type ImageDeleteItem = { Untagged: string } | { Deleted: string };

export class ImageNotFoundError extends NotFoundError {
  constructor(readonly reference: string) {
    super(`No such image: ${reference}`);
  }
}

/** A removal Docker would refuse without --force (HTTP 409 in chapter 03). */
export class ImageConflictError extends ConflictError {}

export interface ImageStoreOptions {
  /** Told which snapshots are still needed when garbage is collected. */
  snapshots?: SnapshotCollector;
}

export interface RemoveOptions {
  force?: boolean;
  /** Ids of containers made from this image; Docker refuses to delete it then. */
  usedBy?: string[];
}
// #endregion answers

// #region store
export class ImageStore {
  readonly content: ContentStore;
  /** The OCI Image Layout directory: `ROOT/images`. */
  readonly layoutDir: string;
  readonly lockPath: string;
  snapshots?: SnapshotCollector;

  constructor(
    readonly root: string,
    options: ImageStoreOptions = {},
  ) {
    this.content = new ContentStore(root);
    this.layoutDir = join(root, 'images');
    this.lockPath = join(root, 'images.lock');
    this.snapshots = options.snapshots;
  }
  // #endregion store
  // #region trusted-read
  /**
   * Reads an index entry's manifest and config into a record. They are not
   * checked against the schemas again: `addManifest` checked them on their
   * way in, and `content.read` proves by their digest that these are the
   * very bytes it checked. So the commands that only read the store
   * (`images`, `inspect`, `history`) never load the schema code at all.
   */
  private async record(entry: Descriptor): Promise<ImageRecord> {
    const manifest = await this.content.readJson<OciManifest>(entry.digest);
    const config = await this.content.readJson<OciImageConfig>(manifest.config.digest);
    const size = manifest.config.size + manifest.layers.reduce((sum, l) => sum + l.size, 0);
    return {
      name: entry.annotations?.[REF_NAME_ANNOTATION] ?? '',
      id: manifest.config.digest,
      manifestDigest: entry.digest,
      manifest,
      configDigest: manifest.config.digest,
      config,
      created: config.created,
      size,
      repoDigests: entry.annotations?.[REPO_DIGESTS_ANNOTATION]?.split(',') ?? [],
    };
  }

  /** Every image: one record per name, and one per untagged image. */
  async list(): Promise<ImageRecord[]> {
    const index = await readIndex(this.layoutDir);
    return Promise.all(index.manifests.map((entry) => this.record(entry)));
  }
  // #endregion trusted-read

  // #region resolve
  /**
   * Finds an image the ways Docker lets a user name one: by reference
   * (`busybox`, `busybox:1.36`, `name@sha256:…`), by full id or manifest
   * digest (`sha256:…`, 64 hex), or by a unique prefix of the id (`9c7a54a9`).
   */
  async resolve(input: string): Promise<ImageRecord> {
    const records = await this.list();
    const full = input.startsWith('sha256:') ? input : `sha256:${input}`;
    if (isDigest(full)) {
      const byDigest = records.find((r) => r.id === full || r.manifestDigest === full);
      if (byDigest) return byDigest;
      throw new ImageNotFoundError(input);
    }
    let ref;
    try {
      ref = parseReference(input);
    } catch (err) {
      if (!/^[a-f0-9]+$/.test(input)) throw err;
    }
    if (ref?.digest !== undefined) {
      const digest = ref.digest;
      const byRepoDigest = records.find((r) => r.manifestDigest === digest);
      if (byRepoDigest) return byRepoDigest;
    } else if (ref) {
      const byName = records.find((r) => r.name === ref.full);
      if (byName) return byName;
    }
    if (/^[a-f0-9]+$/.test(input)) {
      const ids = new Set(records.filter((r) => hexOf(r.id).startsWith(input)).map((r) => r.id));
      if (ids.size > 1) throw new ImageNotFoundError(`${input} (ambiguous: ${ids.size} images have this id prefix)`);
      if (ids.size === 1) return records.find((r) => ids.has(r.id))!;
    }
    throw new ImageNotFoundError(input);
  }
  // #endregion resolve

  // #region name
  /**
   * Records `manifestDigest` in index.json, under `name` if one is given.
   * A name moves: the image that had it keeps its other names, or, having
   * none left, stays as an untagged image until it is pruned (Docker's
   * dangling `<none>:<none>`), still with its repository digests.
   */
  private async addToIndex(index: OciIndex, manifestDigest: Digest, name?: string, repoDigests: string[] = []): Promise<void> {
    const size = this.content.size(manifestDigest);
    const named = (d: Descriptor): string | undefined => d.annotations?.[REF_NAME_ANNOTATION];
    if (name === undefined) {
      if (!index.manifests.some((d) => d.digest === manifestDigest)) {
        index.manifests.push({ mediaType: MediaType.ociManifest, digest: manifestDigest, size });
      }
      return;
    }
    const previous = index.manifests.find((d) => named(d) === name);
    index.manifests = index.manifests.filter((d) => named(d) !== name && !(d.digest === manifestDigest && !named(d)));
    if (previous && previous.digest !== manifestDigest && !index.manifests.some((d) => d.digest === previous.digest)) {
      // Untagged, it keeps the digests a registry knows it by, as dockerd's `<none>` image keeps its RepoDigests.
      const kept = previous.annotations?.[REPO_DIGESTS_ANNOTATION];
      index.manifests.push({
        mediaType: MediaType.ociManifest, digest: previous.digest, size: previous.size,
        ...(kept !== undefined && { annotations: { [REPO_DIGESTS_ANNOTATION]: kept } }),
      });
    }
    index.manifests.push({
      mediaType: MediaType.ociManifest,
      digest: manifestDigest,
      size,
      annotations: { [REF_NAME_ANNOTATION]: name, ...repoDigestsAnnotation(repoDigests) },
    });
  }
  // #endregion name

  // #region repo-digests
  /**
   * Records that a registry holds the image named `name` as `repoDigest`
   * (`repository@sha256:…`): after a pull, the digest of the manifest the
   * registry served, which for a Docker manifest is not the OCI one stored
   * here; after a push, the digest of what went up. Kept on the name's
   * index entry, so that the digest goes when the name does — as dockerd
   * forgets a repository's digests with its last tag there.
   */
  async addRepoDigest(name: string, repoDigest: string): Promise<void> {
    const full = parseReference(name).full;
    await updateIndex(this.layoutDir, this.lockPath, (index) => {
      const entry = index.manifests.find((d) => d.annotations?.[REF_NAME_ANNOTATION] === full);
      if (!entry) throw new ImageNotFoundError(name);
      const known = entry.annotations?.[REPO_DIGESTS_ANNOTATION]?.split(',') ?? [];
      entry.annotations = { ...entry.annotations, ...repoDigestsAnnotation([...known, repoDigest]) };
    });
  }
  // #endregion repo-digests

  // #region tag
  /** Names an existing image: `docker tag SOURCE TARGET`. */
  async tag(source: string, target: string): Promise<ImageRecord> {
    const image = await this.resolve(source);
    const ref = parseReference(target);
    if (ref.digest !== undefined) throw new ReferenceError('refusing to create a tag with a digest reference');
    // A new tag in the same repository keeps the digests the registry knows it by.
    const repoDigests = image.repoDigests.filter((d) => d.startsWith(`${ref.domain}/${ref.path}@`));
    await updateIndex(this.layoutDir, this.lockPath, (index) => this.addToIndex(index, image.manifestDigest, ref.full, repoDigests));
    return { ...image, name: ref.full, repoDigests };
  }

  /** Removes one name. Returns true if the image still has another entry in the index. */
  async untag(reference: string): Promise<boolean> {
    const ref = parseReference(reference);
    return updateIndex(this.layoutDir, this.lockPath, (index) => {
      const entry = index.manifests.find((d) => d.annotations?.[REF_NAME_ANNOTATION] === ref.full);
      if (!entry) throw new ImageNotFoundError(reference);
      index.manifests = index.manifests.filter((d) => d !== entry);
      return index.manifests.some((d) => d.digest === entry.digest);
    });
  }
  // #endregion tag

  // #region put
  /**
   * Makes an image from a config and layers already in the content store:
   * writes the config blob and an OCI manifest, then names it. This is how
   * `build`, `commit` and `import` end.
   */
  async putImage(input: {
    config: OciImageConfig;
    layers: Descriptor[];
    ref?: string;
    annotations?: Record<string, string>;
  }): Promise<ImageRecord> {
    const config = await this.content.write(encodeJson(input.config));
    const manifest: OciManifest = {
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: config.digest, size: config.size },
      layers: input.layers,
    };
    if (input.annotations) manifest.annotations = input.annotations;
    const written = await this.content.write(encodeJson(manifest));
    return this.addManifest(written.digest, input.ref);
  }
  // #endregion put

  // #region add-manifest
  /**
   * Indexes a manifest blob already in the store, under `ref` if given. It
   * refuses a manifest whose config or layers are missing: the index only
   * ever names complete images.
   */
  async addManifest(manifestDigest: Digest, ref?: string, repoDigests: string[] = []): Promise<ImageRecord> {
    const { manifest } = parseManifest(await this.content.read(manifestDigest));
    for (const blob of [manifest.config, ...manifest.layers]) {
      if (!this.content.has(blob.digest)) throw new InvalidArgumentError(`image ${manifestDigest} is incomplete: blob ${blob.digest} is missing`);
      const actual = this.content.size(blob.digest);
      if (actual !== blob.size) throw new InvalidArgumentError(`blob ${blob.digest} has ${actual} bytes, its descriptor says ${blob.size}`);
    }
    parseImageConfig(await this.content.read(manifest.config.digest));
    const name = ref === undefined ? undefined : parseReference(ref).full;
    await updateIndex(this.layoutDir, this.lockPath, (index) => this.addToIndex(index, manifestDigest, name, repoDigests));
    const entry: Descriptor = { mediaType: MediaType.ociManifest, digest: manifestDigest, size: 0 };
    if (name !== undefined) entry.annotations = { [REF_NAME_ANNOTATION]: name, ...repoDigestsAnnotation(repoDigests) };
    return this.record(entry);
  }
  // #endregion add-manifest

  // #region import-manifest
  /**
   * Stores a manifest or index document whose blobs are already in the store
   * (a pull, an archive). An index (or Docker manifest list) is resolved to
   * the manifest for `platform`; a Docker schema2 manifest is rewritten as
   * OCI, so the layout holds only what every OCI tool reads.
   */
  async importManifest(
    bytes: Uint8Array,
    options: { ref?: string; platform?: Platform; mediaType?: string; repoDigests?: string[] } = {},
  ): Promise<ImageRecord> {
    if (documentKind(bytes, options.mediaType) === 'index') {
      const chosen = selectPlatform(parseIndex(bytes), options.platform);
      return this.importManifest(await this.content.read(chosen.digest), { ...options, mediaType: chosen.mediaType });
    }
    const { manifest, converted } = parseManifest(bytes);
    const written = await this.content.write(converted ? encodeJson(manifest) : bytes);
    return this.addManifest(written.digest, options.ref, options.repoDigests);
  }

  /** Stores a blob: shorthand for `content.write`. */
  writeBlob(input: Uint8Array | AsyncIterable<Uint8Array>, expected?: Digest) {
    return this.content.write(input, expected);
  }
  // #endregion import-manifest

  // #region remove
  /**
   * `docker rmi`: removing a name only untags while the image has other
   * names; removing its last name, or naming it by id, deletes the image,
   * and garbage collection then frees every blob nothing else refers to.
   */
  async remove(input: string, options: RemoveOptions = {}): Promise<ImageDeleteItem[]> {
    const image = await this.resolve(input);
    const names = (await this.list()).filter((r) => r.id === image.id && r.name !== '').map((r) => r.name);
    const byName = image.name !== '' && !isIdLike(input, image);
    const used = options.usedBy ?? [];
    const out: ImageDeleteItem[] = [];

    if (byName && names.length > 1) {
      await this.untag(image.name);
      return [{ Untagged: familiar(image.name) }];
    }
    if (!byName && new Set(names.map(repositoryName)).size > 1 && !options.force) {
      throw new ImageConflictError(
        `conflict: unable to delete ${shortId(image.id)} (must be forced) - image is referenced in multiple repositories`,
      );
    }
    if (used.length > 0 && !options.force) {
      throw new ImageConflictError(
        byName
          ? `conflict: unable to remove repository reference "${input}" (must force) - container ${shortId(used[0])} is using its referenced image ${shortId(image.id)}`
          : `conflict: unable to delete ${shortId(image.id)} (must be forced) - image is being used by stopped container ${shortId(used[0])}`,
      );
    }
    // #endregion remove
    // #region remove-commit
    const toUntag = byName ? [image.name] : names;
    const manifestsOfImage = new Set(
      (await this.list()).filter((r) => r.id === image.id).map((r) => r.manifestDigest),
    );
    await updateIndex(this.layoutDir, this.lockPath, (index) => {
      index.manifests = index.manifests.filter((d) => {
        const name = d.annotations?.[REF_NAME_ANNOTATION];
        const untag = name !== undefined && toUntag.includes(name);
        if (untag) out.push({ Untagged: familiar(name) });
        return !untag;
      });
      if (used.length > 0) {
        // Forced, but a container still needs it: it stays, untagged.
        if (!index.manifests.some((d) => d.digest === image.manifestDigest)) {
          index.manifests.push({ mediaType: MediaType.ociManifest, digest: image.manifestDigest, size: this.content.size(image.manifestDigest) });
        }
        return;
      }
      index.manifests = index.manifests.filter((d) => !manifestsOfImage.has(d.digest));
      out.push({ Deleted: image.id });
    });
    // Docker also lists the layers that went with the image, by ChainID.
    const { snapshotsRemoved } = await this.gc();
    for (const chainId of snapshotsRemoved) out.push({ Deleted: chainId });
    return out;
  }
  // #endregion remove-commit

  // #region prune
  /**
   * `docker image prune`: deletes untagged images (with `all`, every image
   * no container uses), then collects garbage.
   */
  async prune(options: { all?: boolean; usedImageIds?: Set<Digest> } = {}): Promise<{
    deleted: ImageDeleteItem[];
    spaceReclaimed: number;
  }> {
    const used = options.usedImageIds ?? new Set<Digest>();
    const records = await this.list();
    const named = new Set(records.filter((r) => r.name !== '').map((r) => r.id));
    const doomed = new Set(
      records.filter((r) => !used.has(r.id) && (options.all || !named.has(r.id))).map((r) => r.manifestDigest),
    );
    const deleted: ImageDeleteItem[] = [];
    await updateIndex(this.layoutDir, this.lockPath, (index) => {
      index.manifests = index.manifests.filter((d) => {
        if (!doomed.has(d.digest)) return true;
        const name = d.annotations?.[REF_NAME_ANNOTATION];
        if (name !== undefined) deleted.push({ Untagged: familiar(name) });
        return false;
      });
    });
    for (const id of new Set(records.filter((r) => doomed.has(r.manifestDigest)).map((r) => r.id))) {
      deleted.push({ Deleted: id });
    }
    const gc = await this.gc();
    return { deleted, spaceReclaimed: gc.bytesFreed };
  }
  // #endregion prune

  // #region helpers
  /** Frees every blob and snapshot no indexed image refers to. */
  async gc(): Promise<GcResult> {
    return collectGarbage(this);
  }
}

/** Docker prints names in their short form in `rmi` output. */
const familiar = (name: string): string => familiarString(parseReference(name));

const repositoryName = (name: string): string => name.replace(/[:@][^/]*$/, '');

/** The repo-digests annotation for a list, deduplicated; none for an empty one. */
function repoDigestsAnnotation(repoDigests: string[]): Record<string, string> {
  return repoDigests.length === 0 ? {} : { [REPO_DIGESTS_ANNOTATION]: [...new Set(repoDigests)].join(',') };
}

/** Whether the user named the image by id or digest rather than by a name. */
function isIdLike(input: string, image: ImageRecord): boolean {
  const hex = input.replace(/^sha256:/, '');
  return /^[a-f0-9]+$/.test(hex) && (hexOf(image.id).startsWith(hex) || hexOf(image.manifestDigest) === hex);
}
// #endregion helpers
