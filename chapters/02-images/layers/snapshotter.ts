// snapshotter.ts — layers on disk, and the writable layer on top, in containerd's vocabulary.

import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { chainId as chainIdOf, chainIds, type LayerChainId } from './chain-id.js';
import { type Digest, hexOf, isDigest } from '../store/index.js';
import type { LayerDigest } from './layer-apply.js';
import type { Mount } from './overlay.js';

// #region loaders
// The code that reads, writes and mounts layers brings tar-stream and the
// libc bindings (koffi) with it. Each verb below loads what it uses, so that
// reading snapshot.json, all `images` does here, loads none of it.
const layerApply = () => import('./layer-apply.js');
const layerDiff = () => import('./layer-diff.js');
const treeDiff = () => import('./tree-diff.js');
const copyView = () => import('./copy-view.js');
const overlay = () => import('./overlay.js');
// #endregion loaders

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
  if (forced) throw new Error(`SKIFF_SNAPSHOTTER must be "overlay" or "copy", not ${JSON.stringify(forced)}`);
  const { mountRootfs, unmountRootfs } = await overlay();
  const probe = join(dir, 'tmp', `${process.pid}-probe-${randomBytes(6).toString('hex')}`);
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

  /** `root` is skiff's root directory; snapshots live in `root/snapshots`. */
  constructor(root: string, mode?: SnapshotMode) {
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
      if (!this.exists(id)) throw new Error(`snapshot ${id} does not exist`);
      dirs.push(join(this.committedDir(id), 'fs'));
      id = this.info(id).parent;
    }
    return dirs;
  }
  // #endregion committed

  // #region import-layer
  /**
   * Unpacks a layer tar (plain or gzip) as the committed snapshot `chainId`
   * on top of `parent`. It is built in tmp/ and renamed into place only
   * once complete and its DiffID checks out, so a refused or interrupted
   * layer leaves nothing behind, and a snapshot that exists is whole.
   */
  async importLayer(chainId: LayerChainId, parent: LayerChainId | null, input: Readable): Promise<LayerDigest> {
    if (parent !== null && !this.exists(parent)) throw new Error(`parent snapshot ${parent} does not exist`);
    const { applyLayer } = await layerApply();
    const staging = this.stagingDir();
    try {
      mkdirSync(join(staging, 'fs'));
      const layer = await applyLayer(join(staging, 'fs'), input);
      const expected = chainIdOf(parent, layer.diffId);
      if (expected !== chainId) {
        throw new Error(`layer content does not match: its DiffID ${layer.diffId} gives ChainID ${expected}, not ${chainId}`);
      }
      const { diffId, size, contentSize } = layer;
      this.publish(staging, { chainId, parent, diffId, size, contentSize, created: new Date().toISOString() });
      return layer;
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  // #endregion import-layer

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

  // #region create-active
  private async createActive(key: string, parent: LayerChainId | null, kind: 'active' | 'view'): Promise<Mount[]> {
    if (!KEY_RE.test(key)) throw new Error(`invalid snapshot key ${JSON.stringify(key)}`);
    const dir = this.activeDir(key);
    if (existsSync(dir)) throw new Error(`snapshot ${key} already exists`);
    const lowers = this.layerDirs(parent);
    const mode = await this.mode();
    const { copyMetadata, flattenLayers } = await copyView();
    const staging = this.stagingDir();
    try {
      if (mode === 'copy') {
        flattenLayers([...lowers].reverse(), join(staging, 'fs'));
      } else {
        mkdirSync(join(staging, 'upper'));
        mkdirSync(join(staging, 'work'));
        // The merged root takes the upperdir's attributes; give it the top layer's, as the copy view has.
        if (lowers.length > 0) copyMetadata(lowers[0], join(staging, 'upper'), lstatSync(lowers[0]));
      }
      const info: ActiveSnapshot = { key, parent, kind, mode, created: new Date().toISOString() };
      writeFileSync(join(staging, 'info.json'), JSON.stringify(info, null, 2));
      renameSync(staging, dir);
    } catch (err) {
      rmSync(staging, { recursive: true, force: true });
      throw err;
    }
    return this.mounts(key);
  }
  // #endregion create-active

  // #region diff
  /** Writes the changes of active snapshot `key` as an uncompressed tar layer (unmount it first). */
  async diff(key: string, out: Writable): Promise<LayerDigest> {
    const info = this.activeInfo(key);
    const dir = this.activeDir(key);
    if (info.mode === 'overlay') return (await layerDiff()).writeLayerDiff(join(dir, 'upper'), out);
    // Copy mode: compare against a fresh copy of what was below.
    const [{ flattenLayers }, { writeTreeDiff }] = await Promise.all([copyView(), treeDiff()]);
    const lowerView = this.stagingDir();
    try {
      flattenLayers([...this.layerDirs(info.parent)].reverse(), lowerView);
      return await writeTreeDiff(lowerView, join(dir, 'fs'), out);
    } finally {
      rmSync(lowerView, { recursive: true, force: true });
    }
  }
  // #endregion diff

  // #region commit
  /**
   * Turns active snapshot `key` into a committed snapshot, and removes
   * `key`. The changes go through the tar format and back: diffed once,
   * the one tar stream goes two ways at the same time — into `layer` if
   * the caller wants the layer (the builder stores it as a blob), and
   * through applyLayer into the new snapshot. A committed snapshot is then
   * always exactly what its layer tar says, whichever mode made it, with no
   * overlayfs bookkeeping left in it. Its name, the ChainID, depends on the
   * DiffID, known only once the whole tar has gone by: so it is unpacked
   * in tmp/ and renamed into place at the end, like any imported layer.
   */
  async commit(key: string, layer?: Writable): Promise<CommittedSnapshot> {
    const info = this.activeInfo(key);
    if (info.kind !== 'active') throw new Error(`snapshot ${key} is a read-only view and cannot be committed`);
    const { applyLayer } = await layerApply();
    const staging = this.stagingDir();
    try {
      mkdirSync(join(staging, 'fs'));
      const tar = new PassThrough();
      const toSnapshot = tar.pipe(new PassThrough()); // pipe() to two readers waits for the slower one
      if (layer) tar.pipe(layer);
      const diffing = this.diff(key, tar).catch((err: Error) => {
        toSnapshot.destroy(err);
        layer?.destroy(err);
        throw err;
      });
      const applying = applyLayer(join(staging, 'fs'), toSnapshot).catch((err: Error) => {
        tar.destroy(err); // stop the diff writer too
        throw err;
      });
      // #endregion commit
      // #region commit-publish
      const [, applied] = await Promise.all([diffing, applying, layer && finished(layer, { readable: false })]);
      const snapshot: CommittedSnapshot = {
        chainId: chainIdOf(info.parent, applied.diffId),
        parent: info.parent,
        diffId: applied.diffId,
        size: applied.size,
        contentSize: applied.contentSize,
        created: new Date().toISOString(),
      };
      this.publish(staging, snapshot);
      await this.remove(key);
      return snapshot;
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  // #endregion commit-publish

  // #region remove
  /** Removes active snapshot `key` (it must not be mounted). */
  async remove(key: string): Promise<void> {
    const dir = this.activeDir(key);
    if (!existsSync(dir)) throw new Error(`snapshot ${key} does not exist`);
    const { isInUse } = await overlay();
    for (const sub of ['fs', 'upper']) {
      if (isInUse(join(dir, sub))) throw new Error(`snapshot ${key} is still mounted; unmount it first`);
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
    if ([...committed, ...active].some((s) => s.parent === chainId)) throw new Error(`snapshot ${chainId} has children`);
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
    // Leftovers of interrupted imports: staging directories whose process is gone.
    for (const name of readdirSync(join(this.dir, 'tmp'))) {
      if (!processAlive(Number.parseInt(name, 10))) rmSync(join(this.dir, 'tmp', name), { recursive: true, force: true });
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
    if (!KEY_RE.test(key)) throw new Error(`invalid snapshot key ${JSON.stringify(key)}`);
    return join(this.dir, 'active', key);
  }

  private activeInfo(key: string): ActiveSnapshot {
    const file = join(this.activeDir(key), 'info.json');
    if (!existsSync(file)) throw new Error(`snapshot ${key} does not exist`);
    return JSON.parse(readFileSync(file, 'utf8')) as ActiveSnapshot;
  }

  private committedDir(chainId: LayerChainId): string {
    return join(this.dir, hexOf(chainId));
  }

  /** A fresh directory in tmp/, named after this process so gc can tell abandoned ones from busy ones. */
  private stagingDir(): string {
    const dir = join(this.dir, 'tmp', `${process.pid}-${randomBytes(8).toString('hex')}`);
    mkdirSync(dir);
    return dir;
  }
  // #endregion paths

  // #region publish
  /** Renames a finished staging directory into place as a committed snapshot. */
  private publish(staging: string, info: CommittedSnapshot): void {
    writeFileSync(join(staging, 'snapshot.json'), JSON.stringify(info, null, 2));
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

// #region disk-usage
function diskUsage(path: string): number {
  const stat = lstatSync(path);
  if (!stat.isDirectory()) return stat.blocks * 512;
  return readdirSync(path).reduce((sum, name) => sum + diskUsage(join(path, name)), stat.blocks * 512);
}
// #endregion disk-usage

/** Is process `pid` still running? (kill(2) with signal 0 checks without sending anything.) */
function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
