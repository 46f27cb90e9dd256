// snapshotter.ts — layers on disk, and the writable layer on top, in containerd's vocabulary.

import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError, InvalidArgumentError, isRunning, NotFoundError, ownerOf, ownerTag, writeAtomically } from '../../01-namespaces/index.js';
import { chainId as chainIdOf, chainIds, type LayerChainId } from './chain-id.js';
import { type Digest, DigestMismatchError, hexOf, isDigest } from '../store/index.js';
import { copyMetadata, flattenLayers } from './copy-view.js';
import type { AppliedLayer } from './layer-apply.js';
import { isInUse, mountRootfs, unmountRootfs, type Mount } from './overlay.js';
import { ownerOnHost, type IdMap } from './id-map.js';

// #region modes
export type SnapshotMode = 'overlay' | 'copy';

/**
 * overlay when the kernel can stack directories in `dir`, else copy.
 * SKIFF_SNAPSHOTTER=copy|overlay forces one (tests run both). Detection
 * mounts a tiny overlay for real: /proc/filesystems may list overlay while
 * the filesystem under `dir` still cannot serve as an upperdir.
 */
export async function detectSnapshotMode(dir: string): Promise<SnapshotMode> {
  const forced = process.env.SKIFF_SNAPSHOTTER;
  if (forced === 'copy' || forced === 'overlay') return forced;
  if (forced) throw new InvalidArgumentError(`SKIFF_SNAPSHOTTER must be "overlay" or "copy", not ${JSON.stringify(forced)}`);
  const probe = join(dir, 'tmp', `${ownerTag()}-probe-${randomBytes(6).toString('hex')}`);
  const [lower, upper, work, merged] = ['lower', 'upper', 'work', 'merged'].map((d) => join(probe, d));
  try {
    for (const d of [lower, upper, work, merged]) mkdirSync(d, { recursive: true });
    mountRootfs([{ type: 'overlay', source: 'overlay', options: [`lowerdir=${lower}`, `upperdir=${upper}`, `workdir=${work}`] }], merged);
    unmountRootfs(merged);
    return 'overlay';
  } catch {
    return 'copy';
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}
// #endregion modes

// #region records
export interface CommittedSnapshot {
  chainId: LayerChainId;
  parent: LayerChainId | null;
  diffId: Digest;
  /** Bytes of the uncompressed layer tar. */
  size: number;
  /** Bytes of the layer's files, Docker's layer size (layer-apply.ts); absent in older stores. */
  contentSize?: number;
  created: string;
}

/** A layer's size as Docker reports it (`history`, `images`): its files' bytes, or the tar's in an older store. */
export function layerSize(snapshot: CommittedSnapshot): number {
  return snapshot.contentSize ?? snapshot.size;
}

export interface ActiveSnapshot {
  key: string;
  parent: LayerChainId | null;
  kind: 'active' | 'view';
  mode: SnapshotMode;
  created: string;
}

const KEY_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
// #endregion records

// #region snapshotter
export class Snapshotter {
  readonly dir: string;
  private modeCache: SnapshotMode | undefined;

  /**
   * `root` is skiff's root directory; snapshots live in `root/snapshots`.
   * `idMap`: a remapped root's ranges, which every layer is unpacked into (id-map.ts).
   */
  constructor(root: string, mode?: SnapshotMode, readonly idMap?: IdMap) {
    this.dir = join(root, 'snapshots');
    for (const d of ['active', 'empty', 'tmp']) mkdirSync(join(this.dir, d), { recursive: true });
    this.modeCache = mode;
  }

  /** How active snapshots are made on this host (detected once). */
  async mode(): Promise<SnapshotMode> {
    this.modeCache ??= await detectSnapshotMode(this.dir);
    return this.modeCache;
  }
  // #endregion snapshotter

  // #region committed
  exists(chainId: LayerChainId): boolean {
    return existsSync(join(this.committedDir(chainId), 'snapshot.json'));
  }

  info(chainId: LayerChainId): CommittedSnapshot {
    return JSON.parse(readFileSync(join(this.committedDir(chainId), 'snapshot.json'), 'utf8')) as CommittedSnapshot;
  }

  /** The layer directories under `chainId`, top-most first: overlayfs's lowerdir order. */
  layerDirs(chainId: LayerChainId | null): string[] {
    const dirs: string[] = [];
    for (let id = chainId; id !== null; ) {
      if (!this.exists(id)) throw new NotFoundError(`snapshot ${id} does not exist`);
      dirs.push(join(this.committedDir(id), 'fs'));
      id = this.info(id).parent;
    }
    return dirs;
  }
  // #endregion committed

  // #region create-committed
  /**
   * Adds the committed snapshot on top of `parent` whose files `fill` writes
   * into the empty directory it is handed (applier.ts unpacks a layer there).
   * It is filled in tmp/ and renamed into place only once complete, under
   * the ChainID its DiffID gives, which must be `expected` if the caller
   * knows it: so a refused or interrupted layer leaves nothing behind, and a
   * snapshot that exists is whole.
   */
  async create(parent: LayerChainId | null, fill: (dir: string) => Promise<AppliedLayer>, expected?: LayerChainId): Promise<CommittedSnapshot> {
    const staging = this.stagingDir();
    try {
      mkdirSync(join(staging, 'fs'));
      // A layer without a "./" entry leaves its root as made: the remapped root's, as dockerd makes it.
      if (this.idMap) chownToRoot(join(staging, 'fs'), this.idMap);
      const { diffId, size, contentSize } = await fill(join(staging, 'fs'));
      const chainId = chainIdOf(parent, diffId);
      if (expected !== undefined && chainId !== expected) {
        throw new DigestMismatchError(`layer content does not match: its DiffID ${diffId} gives ChainID ${chainId}, not ${expected}`);
      }
      const snapshot: CommittedSnapshot = { chainId, parent, diffId, size, contentSize, created: new Date().toISOString() };
      this.publish(staging, snapshot);
      return snapshot;
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  // #endregion create-committed

  // #region prepare
  /** A writable snapshot `key` on top of `parent`; mount the answer with mountRootfs. */
  async prepare(key: string, parent: LayerChainId | null): Promise<Mount[]> {
    return this.createActive(key, parent, 'active');
  }

  /** A read-only view of `parent`. */
  async view(key: string, parent: LayerChainId | null): Promise<Mount[]> {
    return this.createActive(key, parent, 'view');
  }
  // #endregion prepare

  // #region mounts
  /** The mounts of an existing active snapshot. */
  mounts(key: string): Mount[] {
    const info = this.activeInfo(key);
    const dir = this.activeDir(key);
    if (info.mode === 'copy') {
      return [{ type: 'bind', source: join(dir, 'fs'), options: ['rbind', info.kind === 'view' ? 'ro' : 'rw'] }];
    }
    const lowers = this.layerDirs(info.parent);
    if (info.kind === 'view' && lowers.length === 0) {
      return [{ type: 'bind', source: join(this.dir, 'empty'), options: ['rbind', 'ro'] }];
    }
    if (info.kind === 'view') {
      // Without an upperdir overlayfs wants two lowers; the empty one is harmless at the bottom.
      const stack = [...lowers, join(this.dir, 'empty')];
      return [{ type: 'overlay', source: 'overlay', options: [`lowerdir=${stack.join(':')}`, 'ro'] }];
    }
    // overlayfs needs at least one lowerdir: an image with no layers stacks on an empty one.
    const lowerdir = lowers.length > 0 ? lowers.join(':') : join(this.dir, 'empty');
    return [
      {
        type: 'overlay',
        source: 'overlay',
        options: [`lowerdir=${lowerdir}`, `upperdir=${join(dir, 'upper')}`, `workdir=${join(dir, 'work')}`],
      },
    ];
  }
  // #endregion mounts

  // #region dirs
  /**
   * Where an active snapshot's writes land: overlay's upperdir, or the copy
   * itself. What a differ, or `docker ps --size`, needs to know without
   * reading mount options.
   */
  upperDir(key: string): string {
    const info = this.activeInfo(key);
    return join(this.activeDir(key), info.mode === 'copy' ? 'fs' : 'upper');
  }
  // #endregion dirs

  // #region create-active
  private async createActive(key: string, parent: LayerChainId | null, kind: 'active' | 'view'): Promise<Mount[]> {
    if (!KEY_RE.test(key)) throw new InvalidArgumentError(`invalid snapshot key ${JSON.stringify(key)}`);
    const dir = this.activeDir(key);
    if (existsSync(dir)) throw new ConflictError(`snapshot ${key} already exists`);
    const lowers = this.layerDirs(parent);
    const mode = await this.mode();
    const staging = this.stagingDir();
    try {
      if (mode === 'copy') {
        flattenLayers([...lowers].reverse(), join(staging, 'fs'));
      } else {
        mkdirSync(join(staging, 'upper'));
        mkdirSync(join(staging, 'work'));
        // The merged root takes the upperdir's attributes; give it the top layer's, as the copy view has.
        if (lowers.length > 0) copyMetadata(lowers[0], join(staging, 'upper'), lstatSync(lowers[0]));
        else if (this.idMap) chownToRoot(join(staging, 'upper'), this.idMap);
      }
      const info: ActiveSnapshot = { key, parent, kind, mode, created: new Date().toISOString() };
      writeSnapshotRecord(join(staging, 'info.json'), info);
      renameSync(staging, dir);
    } catch (err) {
      rmSync(staging, { recursive: true, force: true });
      throw err;
    }
    return this.mounts(key);
  }
  // #endregion create-active

  // #region commit
  /**
   * Turns active snapshot `key` into a committed snapshot on the same
   * parent, whose files `fill` writes (commit-layer.ts sends the active
   * snapshot's diff there through the tar format), and removes `key`.
   */
  async commit(key: string, fill: (dir: string) => Promise<AppliedLayer>): Promise<CommittedSnapshot> {
    const info = this.activeInfo(key);
    if (info.kind !== 'active') throw new InvalidArgumentError(`snapshot ${key} is a read-only view and cannot be committed`);
    const snapshot = await this.create(info.parent, fill);
    await this.remove(key);
    return snapshot;
  }
  // #endregion commit

  // #region remove
  /** Removes active snapshot `key` (it must not be mounted). */
  async remove(key: string): Promise<void> {
    const dir = this.activeDir(key);
    if (!existsSync(dir)) throw new NotFoundError(`snapshot ${key} does not exist`);
    for (const sub of ['fs', 'upper']) {
      if (isInUse(join(dir, sub))) throw new ConflictError(`snapshot ${key} is still mounted; unmount it first`);
    }
    // Rename first, then delete: a crash mid-delete leaves only garbage in tmp/.
    const doomed = this.stagingDir();
    renameSync(dir, doomed);
    rmSync(doomed, { recursive: true, force: true });
  }
  // #endregion remove

  // #region remove-committed
  /**
   * Removes the committed snapshot `chainId`, which nothing may stand on:
   * what an aborted `load` unpacked goes again this way, top layer first.
   */
  removeCommitted(chainId: LayerChainId): void {
    const { committed, active } = this.list();
    if ([...committed, ...active].some((s) => s.parent === chainId)) throw new ConflictError(`snapshot ${chainId} has children`);
    const doomed = this.stagingDir();
    renameSync(this.committedDir(chainId), doomed);
    rmSync(doomed, { recursive: true, force: true });
  }
  // #endregion remove-committed

  // #region list
  list(): { committed: CommittedSnapshot[]; active: ActiveSnapshot[] } {
    const committed = readdirSync(this.dir)
      .map((name) => `sha256:${name}`)
      .filter((id): id is LayerChainId => isDigest(id) && this.exists(id as LayerChainId))
      .map((id) => this.info(id));
    const active = readdirSync(join(this.dir, 'active')).map((key) => this.activeInfo(key));
    return { committed, active };
  }

  /** Bytes on disk used by a committed snapshot or an active one (by key). */
  usage(idOrKey: LayerChainId | string): number {
    const dir = isDigest(idOrKey) ? this.committedDir(idOrKey as LayerChainId) : this.activeDir(idOrKey);
    return diskUsage(dir);
  }
  // #endregion list

  // #region list-gc
  /**
   * Removes every committed snapshot not in `keep`, except the ones an
   * active snapshot or a kept snapshot stands on. Returns what it removed.
   */
  gc(keep: ReadonlySet<LayerChainId>): LayerChainId[] {
    const { committed, active } = this.list();
    const live = new Set<LayerChainId>();
    const mark = (id: LayerChainId | null): void => {
      for (; id !== null && !live.has(id) && this.exists(id); id = this.info(id).parent) live.add(id);
    };
    for (const id of keep) mark(id);
    for (const a of active) mark(a.parent);
    const removed: LayerChainId[] = [];
    for (const snap of committed) {
      if (live.has(snap.chainId)) continue;
      const doomed = this.stagingDir();
      renameSync(this.committedDir(snap.chainId), doomed);
      rmSync(doomed, { recursive: true, force: true });
      removed.push(snap.chainId);
    }
    // Leftovers of interrupted imports: staging directories whose owner is no longer running.
    for (const name of readdirSync(join(this.dir, 'tmp'))) {
      const owner = ownerOf(name);
      if (!owner || !isRunning(owner)) rmSync(join(this.dir, 'tmp', name), { recursive: true, force: true });
    }
    return removed;
  }

  /** The image store's collector (store/gc.ts) names the layer stacks its images use; keep their ChainIDs. */
  collect(keep: readonly (readonly Digest[])[]): LayerChainId[] {
    return this.gc(new Set(keep.flatMap((diffIds) => chainIds(diffIds))));
  }
  // #endregion list-gc

  // #region paths
  activeDir(key: string): string {
    if (!KEY_RE.test(key)) throw new InvalidArgumentError(`invalid snapshot key ${JSON.stringify(key)}`);
    return join(this.dir, 'active', key);
  }

  /** The record of active snapshot `key`. */
  activeInfo(key: string): ActiveSnapshot {
    const file = join(this.activeDir(key), 'info.json');
    if (!existsSync(file)) throw new NotFoundError(`snapshot ${key} does not exist`);
    return JSON.parse(readFileSync(file, 'utf8')) as ActiveSnapshot;
  }

  private committedDir(chainId: LayerChainId): string {
    return join(this.dir, hexOf(chainId));
  }

  /** A fresh directory in tmp/, named after this process (ownerTag) so gc can tell abandoned ones from busy ones. */
  private stagingDir(): string {
    const dir = join(this.dir, 'tmp', `${ownerTag()}-${randomBytes(8).toString('hex')}`);
    mkdirSync(dir);
    return dir;
  }

  /** Lends `use` a fresh scratch directory in tmp/ (the differ's copy of what lies below), removed after. */
  async withScratchDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
    const dir = this.stagingDir();
    try {
      return await use(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  // #endregion paths

  // #region publish
  /** Renames a finished staging directory into place as a committed snapshot. */
  private publish(staging: string, info: CommittedSnapshot): void {
    writeSnapshotRecord(join(staging, 'snapshot.json'), info);
    try {
      renameSync(staging, this.committedDir(info.chainId));
    } catch (err) {
      // Someone else unpacked the same layer meanwhile: theirs is as good as ours.
      const code = (err as NodeJS.ErrnoException).code;
      if ((code === 'ENOTEMPTY' || code === 'EEXIST') && this.exists(info.chainId)) return;
      throw err;
    }
  }
}
// #endregion publish

// #region chown-to-root
/** A snapshot's root directory, or a writable one on an image with no layers: the remapped root's, not the host's. */
function chownToRoot(dir: string, idMap: IdMap): void {
  const { uid, gid } = ownerOnHost(idMap, { uid: 0, gid: 0 });
  chownSync(dir, uid, gid);
}
// #endregion chown-to-root

// #region snapshot-record
/**
 * A snapshot's record (snapshot.json, info.json), written into its staging
 * directory before the directory is renamed into place. Not durable: the
 * files of the snapshot are not flushed either (an exercise of the
 * chapter), and a flushed record beside unflushed files would promise what
 * a crash could still take away.
 */
function writeSnapshotRecord(path: string, record: CommittedSnapshot | ActiveSnapshot): void {
  writeAtomically(path, JSON.stringify(record, null, 2), { durable: false });
}
// #endregion snapshot-record

// #region disk-usage
function diskUsage(path: string): number {
  const stat = lstatSync(path);
  if (!stat.isDirectory()) return stat.blocks * 512;
  return readdirSync(path).reduce((sum, name) => sum + diskUsage(join(path, name)), stat.blocks * 512);
}
// #endregion disk-usage
