// volumes.ts — the anonymous volumes an image's VOLUME asks for (image-spec `config.md`, `Volumes`).

import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join, posix } from 'node:path';
import { resolveInRoot } from '../../01-namespaces/index.js';
import { copyViewModule } from '../layers/index.js';
import type { VolumeMount } from './image-config.js';

// #region volume-paths
// Loaded only by the verbs that make or remove containers.
const { flattenLayers } = await copyViewModule();

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
      const source = resolveInRoot(rootfs, path);
      // Docker's copy-up: the image's files at that path, with owners, modes and times.
      if (existsSync(source) && lstatSync(source).isDirectory()) flattenLayers([source], data);
      mounts.push({ source: data, destination: path, readonly: false });
    }
  } catch (err) {
    removeVolumes(root, volumes); // nothing half-made stays
    throw err;
  }
  return { volumes, mounts };
}
// #endregion anonymous-volumes

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
