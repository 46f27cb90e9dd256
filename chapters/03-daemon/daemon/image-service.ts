// image-service.ts — the image routes' backend, over chapter 02's Engine.

import type { Readable, Writable } from 'node:stream';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../../01-namespaces/index.js';
import {
  familiarString, historyRows, inspectImage, isDigestName, NoSuchImageError, parseReference, shortId, type Engine, type ImageRecord,
} from '../../02-images/index.js';
import type { ImageBackend, ImageDeleteResponseItem, JsonMessage, Filters } from '../api/index.js';
import type { Events } from './events.js';
import { applyChanges } from './config-changes.js';
import { globMatch } from './glob.js';

// #region image-names
const unixTime = (iso: string | undefined): number => Math.floor((Date.parse(iso ?? '') || 0) / 1000);
const familiar = (name: string): string => familiarString(parseReference(name));
/** The repository of `name:tag` or `name@digest`, for moby's `reference` filter, which matches either. */
const repositoryOf = (ref: string): string => (ref.includes('@') ? ref.slice(0, ref.indexOf('@')) : ref.replace(/:[^:/]*$/, ''));

/** `busybox` → `busybox:latest`, as moby names a missing image; ids and bad names stay as typed. */
function withDefaultTag(name: string): string {
  try {
    return /^(sha256:)?[0-9a-f]{6,64}$/.test(name) ? name : familiar(name);
  } catch {
    return name;
  }
}
// #endregion image-names

// #region image-service
export class ImageService implements ImageBackend {
  constructor(
    private readonly engine: Engine,
    private readonly events: Events,
    /** The containers made from an image, running or not (their records live with the daemon). */
    private readonly containersUsing: (imageId: string) => { id: string; running: boolean }[] = () => [],
  ) {}
  // #endregion image-service

  // #region image-list
  /** One entry per image id, with all its names, newest first. */
  async images({ filters }: { all: boolean; filters: Filters }): Promise<Record<string, unknown>[]> {
    const records = await this.engine.images.list();
    const byId = new Map<string, { record: ImageRecord; names: string[]; digests: Set<string> }>();
    for (const r of records) {
      const entry = byId.get(r.id) ?? { record: r, names: [], digests: new Set() };
      // A name that is a digest (a pull by digest) is shown among the digests, as moby shows it.
      if (isDigestName(r.name)) entry.digests.add(familiar(r.name));
      else if (r.name) entry.names.push(familiar(r.name));
      for (const d of r.repoDigests) entry.digests.add(familiar(d));
      byId.set(r.id, entry);
    }
    const groups = [...byId.values()].filter((g) => this.imageMatches(g.record, g.names, [...g.digests], filters, records));
    return groups
      .map(({ record, names, digests }) => ({
        Id: record.id, ParentId: '', RepoTags: names, RepoDigests: [...digests], Created: unixTime(record.created),
        Size: this.engine.unpackedSize(record), SharedSize: -1, Labels: record.config.config?.Labels ?? {},
        Containers: this.containersUsing(record.id).length,
      }))
      .sort((a, b) => b.Created - a.Created);
  }
  // #endregion image-list

  // #region image-filters
  /** moby's filters; `reference` matches a digest's repository as well as a tag (an untagged image keeps its digests). */
  private imageMatches(record: ImageRecord, names: string[], digests: string[], filters: Filters, all: ImageRecord[]): boolean {
    const labels = record.config.config?.Labels ?? {};
    const createdOf = (ref: string) => {
      const other = all.find((r) => r.name && familiar(r.name) === ref) ?? all.find((r) => r.id.includes(ref));
      if (!other) throw new InvalidArgumentError(`No such image: ${ref}`);
      return Date.parse(other.created ?? '') || 0;
    };
    const created = Date.parse(record.created ?? '') || 0;
    const test = (key: string, ok: (v: string) => boolean) => (filters.get(key) ?? []).every(ok);
    return (
      test('dangling', (v) => (v === 'true' || v === '1' ? names.length === 0 : names.length + digests.length > 0)) &&
      test('label', (v) => (v.includes('=') ? labels[v.slice(0, v.indexOf('='))] === v.slice(v.indexOf('=') + 1) : v in labels)) &&
      (!filters.has('reference') || filters.get('reference')!.some((p) => [...names, ...digests].some((n) => globMatch(p, n) || globMatch(p, repositoryOf(n))))) &&
      test('before', (v) => created < createdOf(v)) &&
      test('since', (v) => created > createdOf(v))
    );
  }
  // #endregion image-filters

  // #region image-inspect
  /** An image by name, id or digest; a miss in moby's words (`No such image: busybox:latest`). */
  private async find(name: string): Promise<ImageRecord> {
    try {
      return await this.engine.findImage(name);
    } catch (err) {
      if (!(err instanceof NoSuchImageError)) throw err;
      throw new NotFoundError(`No such image: ${withDefaultTag(name)}`);
    }
  }

  /** The image a new container is made from: a miss is the 404 that makes `docker run` pull. */
  findForContainer(name: string): Promise<ImageRecord> {
    return this.find(name);
  }

  async imageInspect(name: string): Promise<Record<string, unknown>> {
    return inspectImage(this.engine, await this.find(name));
  }

  /** `docker history`: newest first; rows without an image of their own are `<missing>`. */
  async imageHistory(name: string): Promise<Record<string, unknown>[]> {
    const image = await this.find(name);
    const tags = await this.engine.namesOf(image);
    return (await historyRows(this.engine, image)).map((row, i) => ({
      Id: i === 0 ? image.id : '<missing>', Created: unixTime(row.created), CreatedBy: row.createdBy,
      Tags: i === 0 && tags.length ? tags : null, Size: row.size, Comment: row.comment,
    }));
  }
  // #endregion image-inspect

  // #region image-tag-remove
  async tagImage(source: string, repo: string, tag: string): Promise<void> {
    if (!repo) throw new InvalidArgumentError('repository name must have at least one component');
    const target = tag ? `${repo}:${tag}` : repo;
    const image = await this.find(source);
    await this.engine.tag(source, target);
    this.events.log('image', 'tag', image.id, { name: familiar(target) });
  }

  // #endregion image-tag-remove

  // #region image-delete
  /**
   * `docker rmi`: chapter 02 decides what is untagged and what deleted, and
   * refuses in Docker's words (409) an image a container uses. Forced, a
   * stopped container's image is deleted all the same — the container
   * keeps its own layer, whose snapshots chapter 02's collector spares —
   * but a running container's never is. `noprune` asks Docker to keep
   * untagged *parent images*; an OCI store has no parent images, so there
   * is nothing for it to keep.
   */
  async imageDelete(name: string, { force }: { force: boolean; prune: boolean }): Promise<ImageDeleteResponseItem[]> {
    const image = await this.find(name);
    const users = this.containersUsing(image.id);
    const running = users.find((u) => u.running);
    let items: ImageDeleteResponseItem[];
    if (force && running) {
      const names = await this.engine.namesOf(image);
      const byName = names.length > 1 && !/^(sha256:)?[0-9a-f]{6,64}$/.test(name);
      if (!byName) throw new ConflictError(`conflict: unable to delete ${shortId(image.id)} (cannot be forced) - image is being used by running container ${shortId(running.id)}`);
      items = await this.engine.removeImage(name, true);
    } else {
      items = force ? await this.engine.images.remove(name, { force: true }) : await this.engine.removeImage(name, false);
    }
    for (const item of items) {
      if ('Untagged' in item) this.events.log('image', 'untag', image.id, { name: item.Untagged });
      else if (item.Deleted === image.id) this.events.log('image', 'delete', image.id, { name: image.id });
    }
    return items;
  }
  // #endregion image-delete

  // #region image-prune
  async imagesPrune(filters: Filters): Promise<{ ImagesDeleted: ImageDeleteResponseItem[]; SpaceReclaimed: number }> {
    const dangling = filters.get('dangling') ?? ['true'];
    if (filters.has('label') || filters.has('until')) throw new InvalidArgumentError('image prune: only the dangling filter is supported');
    const all = dangling.some((v) => v === 'false' || v === '0');
    // Docker lists the layers that went too, as rmi does: the snapshots the collection removed.
    const layers = () => new Set(this.engine.snapshotter.list().committed.map((s) => s.chainId));
    const before = layers();
    const { deleted, spaceReclaimed } = await this.engine.pruneImages(all);
    const after = layers();
    const gone = [...before].filter((chain) => !after.has(chain)).map((chain) => ({ Deleted: chain }));
    this.events.log('image', 'prune', '', { reclaimed: String(spaceReclaimed) });
    return { ImagesDeleted: [...deleted, ...gone], SpaceReclaimed: spaceReclaimed };
  }
  // #endregion image-prune

  // #region image-archives
  async loadImages(input: Readable, progress: (message: JsonMessage) => void): Promise<void> {
    for (const image of await this.engine.load(input)) {
      progress({ stream: image.name ? `Loaded image: ${image.name}\n` : `Loaded image ID: ${image.id}\n` });
      this.events.log('image', 'load', image.id, { name: image.name ?? image.id });
    }
  }

  async checkImages(names: string[]): Promise<void> {
    for (const name of names) await this.find(name);
  }

  async exportImages(names: string[], out: Writable): Promise<void> {
    await this.engine.save(names, out);
    for (const name of names) this.events.log('image', 'save', (await this.engine.findImage(name)).id, { name });
  }

  /**
   * `docker import`: `message` becomes the history row's comment, as Docker
   * records it; `changes` (`-c 'CMD ["sh"]'`) edit the config.
   */
  async importImage(input: Readable, options: { repo?: string; tag?: string; message?: string; changes: string[] }): Promise<string> {
    const ref = options.repo ? (options.tag ? `${options.repo}:${options.tag}` : options.repo) : undefined;
    if (ref) parseReference(ref); // a bad name fails before the body is read
    applyChanges({}, options.changes); // and so does a bad change
    const edited = options.message !== undefined || options.changes.length > 0;
    let image = await this.engine.importImage(input, edited ? undefined : ref);
    if (edited) {
      const imported = image;
      const config = structuredClone(image.config);
      config.config = applyChanges(config.config ?? {}, options.changes);
      if (options.message !== undefined) for (const row of config.history ?? []) row.comment = options.message;
      image = await this.engine.images.putImage({ config, layers: image.manifest.layers, ref });
      await this.engine.images.remove(imported.id); // the layer stays: the new image holds it
    }
    this.events.log('image', 'import', image.id, { name: ref ? familiar(ref) : image.id });
    return image.id;
  }
}
// #endregion image-archives
