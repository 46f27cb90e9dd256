// mounts.ts — a new container's mount points, from its HostConfig and its image, through the volume service.

import { chownSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { HostConfig } from '../api/index.js';
import { planMounts, runtimeMounts, type MountPoint } from '../volumes/index.js';
import type { DaemonContext } from './context.js';

// #region container-mounts
/**
 * The mount points `inspect` will show, and what the runtime mounts for
 * them. `--volumes-from` names a container as every other reference does
 * (name, id, prefix of an id); the anonymous volumes made along the way
 * are listed in `made`, for the caller to remove should the create fail.
 */
export function containerMounts(
  ctx: DaemonContext, hc: HostConfig, imageVolumes: Record<string, unknown> | null | undefined, made: string[],
): ReturnType<typeof runtimeMounts> & { points: MountPoint[] } {
  const volumes = ctx.volumes;
  const source = {
    ensure: volumes.ensure.bind(volumes),
    mountpoint: volumes.mountpoint.bind(volumes),
    anonymous: () => {
      const volume = volumes.anonymous();
      made.push(volume.Name);
      return volume;
    },
  };
  const points = planMounts({ volumes: source, mountsOf: (ref) => ctx.containers.get(ref).record.Mounts }, hc, imageVolumes);
  if (ctx.remappedRoot) makeBindSources(points, ctx.remappedRoot.root);
  return { points, ...runtimeMounts(points, hc, (name) => volumes.optionsOf(name)) };
}
// #endregion container-mounts

// #region bind-sources
/**
 * `-v /host/dir:/x` makes a missing /host/dir (chapter 02 does, as root).
 * Under --userns-remap the directories made belong to the remapped root, as
 * dockerd makes them: else the container's root could not write to them.
 */
function makeBindSources(points: readonly MountPoint[], owner: { uid: number; gid: number }): void {
  for (const point of points) {
    if (point.Type !== 'bind' || existsSync(point.Source)) continue;
    const first = mkdirSync(point.Source, { recursive: true, mode: 0o755 }); // the top-most directory it made
    for (let dir = point.Source; ; dir = dirname(dir)) {
      chownSync(dir, owner.uid, owner.gid);
      if (dir === first || dir === dirname(dir)) break;
    }
  }
}
// #endregion bind-sources
