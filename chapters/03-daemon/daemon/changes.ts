// changes.ts — `docker diff`: what the container changed, added and deleted (OCI image-spec layer.md, whiteouts).

import { existsSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { Writable } from 'node:stream';
import tar from 'tar-stream';
import type { Container } from './container.js';
import type { DaemonContext } from './context.js';
import { pathsOf } from './paths.js';
import { diffSnapshot } from '../../02-images/index.js';

// #region changes
export const CHANGED = 0;
export const ADDED = 1;
export const DELETED = 2;

/**
 * Files Docker keeps in a layer of its own below the container's ("init"),
 * and never lists: the marker, and the mount points of the /etc files the
 * daemon bind-mounts in.
 */
const INIT_LAYER = new Set(['/.dockerenv', '/etc/hostname', '/etc/hosts', '/etc/resolv.conf']);

export async function containerChanges(ctx: DaemonContext, c: Container): Promise<{ Path: string; Kind: number }[]> {
  const { snapshotter, containers } = ctx.engine;
  const record = await containers.find(c.id);
  const lowers = snapshotter.layerDirs(record.parent);
  const inLowers = (path: string) => lowers.some((dir) => existsSync(posix.join(dir, path)));
  const names: string[] = [];
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    names.push(posix.join('/', header.name).replace(/(.)\/$/, '$1'));
    stream.on('end', next).resume();
  });
  const read = new Promise<void>((resolve, reject) => extract.on('finish', resolve).on('error', reject));
  await diffSnapshot(snapshotter, pathsOf(ctx, c).snapshotKey, extract as unknown as Writable);
  await read;
  // #endregion changes

  // #region change-kinds
  const changes: { Path: string; Kind: number }[] = [];
  for (const name of names) {
    const base = posix.basename(name);
    if (base === '.wh..wh..opq') continue; // the directory itself is listed on its own
    if (base.startsWith('.wh.')) changes.push({ Path: posix.join(posix.dirname(name), base.slice(4)), Kind: DELETED });
    else if (name !== '/' && !INIT_LAYER.has(name)) changes.push({ Path: name, Kind: inLowers(name) ? CHANGED : ADDED });
  }
  // A directory copied up only to hold init files is not a change of the container's.
  const kept = changes.filter((change, _i, all) => change.Kind !== CHANGED || !isDirectory(lowers, change.Path) ||
    all.some((other) => other.Path.startsWith(`${change.Path}/`)));
  return kept.sort((a, b) => a.Path.localeCompare(b.Path));
}

function isDirectory(lowers: string[], path: string): boolean {
  return lowers.some((dir) => {
    try {
      return statSync(posix.join(dir, path)).isDirectory();
    } catch {
      return false;
    }
  });
}
// #endregion change-kinds
