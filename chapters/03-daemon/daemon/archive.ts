// archive.ts — `docker cp` and `docker export`: a container's files, as tar, both ways.

import { createReadStream, lstatSync, readdirSync, readlinkSync, statSync, type Stats } from 'node:fs';
import { posix } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { InvalidArgumentError, NotFoundError, resolveInRoot } from '../../01-namespaces/index.js';
import { applyLayer, ownerInContainer, writeLayerDiff, type IdMap } from '../../02-images/index.js';
import type { PathStat } from '../api/index.js';
import type { Container } from './container.js';
import type { DaemonContext } from './context.js';
import { pathsOf } from './paths.js';

// #region with-rootfs
/** Runs `work` with the container's root mounted: the running container's own mount, or one made for the while. */
export async function withRootfs<T>(ctx: DaemonContext, c: Container, work: (rootfs: string) => Promise<T>): Promise<T> {
  const paths = pathsOf(ctx, c);
  if (c.state.Running) return work(paths.rootfs);
  return c.exclusive(async () => {
    if (c.state.Running) return work(paths.rootfs);
    await ctx.engine.containers.mount(paths);
    try {
      return await work(paths.rootfs);
    } finally {
      await ctx.engine.containers.unmount(paths);
    }
  });
}
// #endregion with-rootfs

// #region path-stat
/** Where a container path is on the host, its last component not followed (as `docker cp` treats a symlink). */
function hostPath(rootfs: string, path: string): string {
  const absolute = posix.resolve('/', path);
  if (absolute === '/') return rootfs;
  return posix.join(resolveInRoot(rootfs, posix.dirname(absolute)), posix.basename(absolute));
}

/** Go's os.FileMode bits, which the CLI decodes (dir 1<<31, symlink 1<<27…), and the permissions. */
function goFileMode(stat: Stats): number {
  const type = stat.isDirectory() ? 2 ** 31 : stat.isSymbolicLink() ? 2 ** 27 : stat.isFIFO() ? 2 ** 25 : stat.isSocket() ? 2 ** 24
    : stat.isCharacterDevice() ? 2 ** 26 + 2 ** 21 : stat.isBlockDevice() ? 2 ** 26 : 0;
  const special = (stat.mode & 0o4000 ? 2 ** 23 : 0) + (stat.mode & 0o2000 ? 2 ** 22 : 0) + (stat.mode & 0o1000 ? 2 ** 20 : 0);
  return type + special + (stat.mode & 0o777);
}

function statOf(rootfs: string, path: string, reference: string): { host: string; stat: Stats; info: PathStat } {
  let host: string;
  let stat: Stats;
  try {
    host = hostPath(rootfs, path);
    stat = lstatSync(host);
  } catch {
    throw new NotFoundError(`Could not find the file ${path} in container ${reference}`);
  }
  const info = {
    name: posix.basename(posix.resolve('/', path)) || '/', size: stat.size, mode: goFileMode(stat),
    mtime: stat.mtime.toISOString(), linkTarget: stat.isSymbolicLink() ? readlinkSync(host) : '',
  };
  return { host, stat, info };
}

export function statPath(ctx: DaemonContext, c: Container, path: string, reference: string): Promise<PathStat> {
  return withRootfs(ctx, c, async (rootfs) => statOf(rootfs, path, reference).info);
}
// #endregion path-stat

// #region archive-out
/**
 * The path as a tar whose top entry is named after the path's last
 * component (`/etc/passwd` → `passwd`; `/tmp/dir` → `dir/…`), moby's
 * TarResourceRebase. The stat is found first, so a missing path is a 404.
 */
export async function archivePath(ctx: DaemonContext, c: Container, path: string, reference: string): Promise<{ stat: PathStat; write(out: Writable): Promise<void> }> {
  const info = await statPath(ctx, c, path, reference);
  return {
    stat: info,
    write: (out) => withRootfs(ctx, c, async (rootfs) => {
      const { host } = statOf(rootfs, path, reference);
      const pack = tar.pack();
      const done = pipeline(pack, out, { end: false });
      await addTree(pack, host, path.endsWith('/.') ? '.' : info.name, ctx.remappedRoot);
      pack.finalize();
      await done;
    }),
  };
}

/** Owners as the container sees them: under --userns-remap, shifted back from the host's (chapter 02's id map). */
async function addTree(pack: tar.Pack, host: string, name: string, idMap?: IdMap): Promise<void> {
  const stat = lstatSync(host);
  const header = { name, mode: stat.mode & 0o7777, ...ownerInContainer(idMap, stat), mtime: stat.mtime };
  if (stat.isDirectory()) {
    pack.entry({ ...header, type: 'directory' });
    for (const child of readdirSync(host).sort()) await addTree(pack, posix.join(host, child), posix.join(name, child), idMap);
  } else if (stat.isSymbolicLink()) {
    pack.entry({ ...header, type: 'symlink', linkname: readlinkSync(host) });
  } else if (stat.isFile()) {
    await new Promise<void>((resolve, reject) => {
      const entry = pack.entry({ ...header, type: 'file', size: stat.size }, (err) => (err ? reject(err) : resolve()));
      createReadStream(host).on('error', reject).pipe(entry);
    });
  }
  // Devices, fifos and sockets are left out: a copy of them means nothing on another machine.
}
// #endregion archive-out

// #region archive-in
/** A tar unpacked into a directory of the container, with chapter 02's layer code (which refuses paths that climb out). */
export async function extractToDir(ctx: DaemonContext, c: Container, path: string, content: Readable, reference: string): Promise<void> {
  await withRootfs(ctx, c, async (rootfs) => {
    const { host } = statOf(rootfs, path, reference);
    if (!statSync(host).isDirectory()) throw new InvalidArgumentError(`extraction point is not a directory`);
    await applyLayer(host, content, ctx.remappedRoot); // owners shifted into the range, under --userns-remap
  });
}

/** `docker export`: the container's whole filesystem, as it sees it, one plain tar (chapter 02's layer writer over the merged view). */
export function exportContainer(ctx: DaemonContext, c: Container): { write(out: Writable): Promise<void> } {
  return { write: (out) => withRootfs(ctx, c, async (rootfs) => void (await writeLayerDiff(rootfs, out, ctx.remappedRoot))) };
}
// #endregion archive-in
