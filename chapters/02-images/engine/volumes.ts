// volumes.ts — the anonymous volumes an image's VOLUME asks for (image-spec `config.md`, `Volumes`).

import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join, posix } from 'node:path';
import { resolveInRoot } from '../../01-namespaces/index.js';
import { flattenLayers } from '../layers/index.js';
import type { VolumeMount } from './image-config.js';

// #region volume-paths
/** One anonymous volume of a container: its name and where it is mounted. */
export interface AnonymousVolume {
  name: string;
  destination: string;
}

const volumeDir = (root: string, name: string): string => join(root, 'volumes', name);
export const volumeData = (root: string, name: string): string => join(volumeDir(root, name), '_data');
// #endregion volume-paths

// #region anonymous-volumes
/**
 * Makes a volume for each path of the image's `Volumes` that no `-v`
 * already covers, filled from the image's files at that path. `rootfs` is
 * the container's mounted root filesystem; paths are resolved inside it,
 * so an image whose /data is a symlink to /etc gets its own /etc copied,
 * never the host's.
 */
export function createAnonymousVolumes(
  root: string,
  rootfs: string,
  imageVolumes: Record<string, unknown> | null | undefined,
  binds: readonly VolumeMount[],
): { volumes: AnonymousVolume[]; mounts: VolumeMount[] } {
  const volumes: AnonymousVolume[] = [];
  const mounts: VolumeMount[] = [];
  const covered = new Set(binds.map((b) => posix.normalize(b.destination)));
  try {
    for (const path of Object.keys(imageVolumes ?? {}).map((p) => posix.normalize(posix.join('/', p))).sort()) {
      if (covered.has(path)) continue; // `-v HOST:/data` replaces the image's volume, as in Docker
      const name = randomBytes(32).toString('hex');
      const data = volumeData(root, name);
      volumes.push({ name, destination: path });
      mkdirSync(data, { recursive: true });
      const mount = { source: data, destination: path, readonly: false };
      fillVolume(rootfs, mount);
      mounts.push(mount);
    }
  } catch (err) {
    removeVolumes(root, volumes); // nothing half-made stays
    throw err;
  }
  return { volumes, mounts };
}
// #endregion anonymous-volumes

// #region fill-volume
/**
 * Docker's copy-up: an empty volume mounted where the image has a directory
 * first gets that directory's files, with owners, modes and times. A volume
 * that holds anything is left alone, so data outlives the containers.
 */
export function fillVolume(rootfs: string, mount: VolumeMount): void {
  if (!existsSync(mount.source) || readdirSync(mount.source).length > 0) return;
  const image = resolveInRoot(rootfs, mount.destination);
  if (existsSync(image) && lstatSync(image).isDirectory()) flattenLayers([image], mount.source);
}
// #endregion fill-volume

// #region remove-volumes
/** Deletes a container's anonymous volumes (`run --rm`, `rm -v`): renamed away first, then removed. */
export function removeVolumes(root: string, volumes: readonly AnonymousVolume[]): void {
  for (const { name } of volumes) {
    const dir = volumeDir(root, name);
    if (!existsSync(dir)) continue;
    const doomed = join(root, 'volumes', `.removing-${name}`);
    renameSync(dir, doomed);
    rmSync(doomed, { recursive: true, force: true });
  }
}
// #endregion remove-volumes
