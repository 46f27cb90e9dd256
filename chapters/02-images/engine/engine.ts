// engine.ts — the daemonless engine as a library: images, builds, containers, over one root.

import { PassThrough, type Readable, type Writable } from 'node:stream';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { NotFoundError, run as runBundle, type Stdio } from '../../01-namespaces/index.js';
import {
  familiarString, ImageNotFoundError, ImageStore, isDigestName, loadArchive, MediaType, parseReference, saveArchive, saveArchiveToFile, shortId,
  writeTo, writeToFile,
  type ArchiveFormat, type ArchiveImage, type ImageDeleteItem, type ImageRecord, type LoadedImage, type OciImageConfig,
} from '../store/index.js';
import { chainIds, diffSnapshot, layerSize, Snapshotter, unpackImage, type IdMap, type LayerChainId } from '../layers/index.js';
import type { BuildOptions } from './builder.js';
import { Containers } from './containers.js';
import { runtimeSpec, type RunOverrides } from './image-config.js';
import { exportRootfs, importRootfs } from './import-export.js';

// #region engine
/** Where everything lives unless --root or SKIFF_ROOT says otherwise. */
export const DEFAULT_ROOT = '/var/lib/skiff';

export interface RunRequest {
  image: string;
  name?: string;
  /** `--rm`: remove the container, its layer and its cgroup when it exits. */
  remove?: boolean;
  interactive?: boolean;
  overrides: Omit<RunOverrides, 'hostname' | 'etcFiles' | 'cgroupsPath'> & { hostname?: string };
}

/** An image a user named that is not in the store (Docker says it this way). */
export class NoSuchImageError extends NotFoundError {
  constructor(readonly reference: string) {
    super(`No such image: ${reference}`);
  }
}

export class Engine {
  readonly images: ImageStore;
  readonly snapshotter: Snapshotter;
  readonly containers: Containers;

  /** `idMap`: a remapped root's ranges, which the snapshotter unpacks every layer into (chapter 03's --userns-remap). */
  constructor(readonly root: string, idMap?: IdMap) {
    this.snapshotter = new Snapshotter(root, undefined, idMap);
    this.images = new ImageStore(root, { snapshots: this.snapshotter });
    this.containers = new Containers(root, this.snapshotter);
  }
  // #endregion engine

  // #region engine-run
  /** `run`: create a container from the image, run it in the foreground, answer its exit code. */
  async run(request: RunRequest): Promise<number> {
    const image = await this.findImage(request.image);
    const parent = await unpackImage(this.images, image, this.snapshotter);
    const record = await this.containers.create({
      image: request.image, imageId: image.id, parent, config: image.config.config ?? {},
      name: request.name, overrides: request.overrides, autoRemove: request.remove,
    });
    // Without -i the program's stdin is nothing (/dev/null), as with `docker run`.
    const stdio: Stdio = request.interactive ? 'inherit' : ['ignore', 'inherit', 'inherit'];
    try {
      return await this.containers.start(record.id, stdio);
    } finally {
      if (request.remove) await this.containers.remove(record.id, { force: true, volumes: true });
    }
  }

  /** Resolves a name the way `run` and `FROM` do; no registry yet, so a miss is final. */
  async findImage(reference: string): Promise<ImageRecord> {
    try {
      return await this.images.resolve(reference);
    } catch (err) {
      if (err instanceof ImageNotFoundError) throw new NoSuchImageError(reference);
      throw err;
    }
  }
  // #endregion engine-run

  // #region build-step
  /** How the builder runs a RUN step: a one-off container on the step's mounted snapshot. */
  private async runBuildStep(step: { id: string; rootfs: string; bundle: string; config: OciImageConfig['config'] }): Promise<number> {
    const spec = runtimeSpec(step.rootfs, step.config ?? {}, { hostname: shortId(step.id), cgroupsPath: `skiff/build-${step.id}` });
    // A plain write: the step's bundle is a fresh directory of this build's own, gone after the step.
    writeFileSync(join(step.bundle, 'config.json'), JSON.stringify(spec, null, 2));
    // The step's output is the build's output; its stdin is nothing, as in `docker build`.
    return runBundle({ id: step.id, bundle: step.bundle, stateRoot: this.containers.stateRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  }

  async build(options: BuildOptions): Promise<ImageRecord> {
    // The builder (the Dockerfile parser, the context, the cache, .dockerignore's
    // matcher) is loaded by the one verb that needs it: every command is a
    // fresh process, and `images` should not pay for it.
    const { Builder } = await import('./builder.js');
    const builder = new Builder(this.root, this.images, this.snapshotter, (step) => this.runBuildStep(step));
    return builder.build(options);
  }
  // #endregion build-step

  // #region image-verbs
  async removeImage(reference: string, force = false): Promise<ImageDeleteItem[]> {
    const image = await this.findImage(reference);
    const usedBy = (await this.containers.list()).filter((c) => c.imageId === image.id).map((c) => c.id);
    return this.images.remove(reference, { force, usedBy });
  }

  async pruneImages(all = false): Promise<{ deleted: ImageDeleteItem[]; spaceReclaimed: number }> {
    const usedImageIds = new Set((await this.containers.list()).map((c) => c.imageId));
    return this.images.prune({ all, usedImageIds });
  }

  async tag(source: string, target: string): Promise<void> {
    await this.findImage(source);
    await this.images.tag(source, target);
  }

  // #endregion image-verbs

  // #region engine-load
  /**
   * `load`: every image of the archive is unpacked before any is named, as
   * dockerd registers a loaded image's layers, so a layer that would escape
   * its snapshot is refused now rather than at the first `run`. When the
   * load fails, the store's loader removes the blobs it added, and the
   * snapshots it made go here, top first.
   */
  async load(input: Readable): Promise<LoadedImage[]> {
    const made: LayerChainId[] = [];
    const unpack = async (image: ArchiveImage): Promise<void> => {
      made.push(...chainIds(image.config.rootfs.diff_ids).filter((id) => !this.snapshotter.exists(id)));
      await unpackImage(this.images, image, this.snapshotter);
    };
    try {
      return await loadArchive(this.images, input, { unpack });
    } catch (err) {
      for (const id of made.reverse()) if (this.snapshotter.exists(id)) this.snapshotter.removeCommitted(id);
      throw err;
    }
  }
  // #endregion engine-load

  // #region save-import
  /** `save`: docker's archive format unless `oci` is asked for (both are read by `load`). */
  async save(references: string[], out: Writable | string, options: { format?: ArchiveFormat } = {}): Promise<void> {
    for (const reference of references) await this.findImage(reference);
    if (typeof out === 'string') await saveArchiveToFile(this.images, references, out, options);
    else await writeTo(out, '/dev/stdout', (stream) => saveArchive(this.images, references, stream, options));
  }

  async importImage(input: Readable, ref?: string): Promise<ImageRecord> {
    return importRootfs(this.images, this.snapshotter, input, { ref });
  }
  // #endregion save-import

  // #region names-size
  /**
   * Every tag of an image, familiar (`hello:latest`). A name that is a
   * digest (`docker pull repo@sha256:…`) is no tag: Docker shows it among
   * the RepoDigests only.
   */
  async namesOf(image: ImageRecord): Promise<string[]> {
    const records = await this.images.list();
    return records.filter((r) => r.id === image.id && r.name !== '' && !isDigestName(r.name)).map((r) => familiarString(parseReference(r.name)));
  }

  /** Its `repository@digest` names, over all its names, short as Docker prints them. */
  async repoDigestsOf(image: ImageRecord): Promise<string[]> {
    const records = (await this.images.list()).filter((r) => r.id === image.id);
    const digests = records.flatMap((r) => (isDigestName(r.name) ? [r.name, ...r.repoDigests] : r.repoDigests));
    return [...new Set(digests.map((d) => familiarString(parseReference(d))))];
  }

  /** Bytes of an image unpacked: the sum of its snapshots' sizes (what `docker images` shows). */
  unpackedSize(image: ImageRecord): number {
    let size = 0;
    for (const [i, chain] of chainIds(image.config.rootfs.diff_ids).entries()) {
      size += this.snapshotter.exists(chain) ? layerSize(this.snapshotter.info(chain)) : (image.manifest.layers[i]?.size ?? 0);
    }
    return size;
  }
  // #endregion names-size

  // #region export-commit
  /**
   * `export`: the container's filesystem, as it sees it, as one tar — to a
   * file written whole or not at all, or to a stream. A failed write still
   * unmounts what export mounted (output.ts makes sure the failure arrives).
   */
  async exportContainer(reference: string, out: Writable | string): Promise<void> {
    const record = await this.containers.find(reference);
    const paths = this.containers.paths(record);
    const wasRunning = (await this.containers.status(record)) === 'running';
    await this.containers.mount(paths);
    try {
      const produce = (stream: Writable) => exportRootfs(paths.rootfs, stream);
      if (typeof out === 'string') await writeToFile(out, produce);
      else await writeTo(out, '/dev/stdout', produce);
    } finally {
      if (!wasRunning) await this.containers.unmount(paths);
    }
  }
  // #endregion export-commit

  // #region commit
  /** `commit`: the container's writable layer becomes one more layer on its image. */
  async commit(reference: string, ref?: string): Promise<ImageRecord> {
    const record = await this.containers.find(reference);
    const image = await this.images.resolve(record.imageId);
    const pass = new PassThrough();
    const [diff, blob] = await Promise.all([
      diffSnapshot(this.snapshotter, this.containers.paths(record).snapshotKey, pass),
      this.images.content.write(pass),
    ]);
    const created = new Date().toISOString();
    const config: OciImageConfig = structuredClone(image.config);
    config.created = created;
    config.rootfs = { type: 'layers', diff_ids: [...config.rootfs.diff_ids, diff.diffId] };
    config.history = [...(config.history ?? []), { created, created_by: record.command.join(' ') }];
    return this.images.putImage({
      config,
      layers: [...image.manifest.layers, { mediaType: MediaType.ociLayer, digest: blob.digest, size: blob.size }],
      ref,
    });
  }
  // #endregion commit
}
