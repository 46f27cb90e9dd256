// mounts.ts — a new container's mount points, from its HostConfig and its image, through the volume service.

import { mkdirAs } from '../../02-images/index.js';
import type { HostConfig } from '../api/index.js';
import { planMounts, runtimeMounts, type MountPoint } from '../volumes/index.js';
import type { DaemonContext } from './context.js';

// #region container-mounts
/**
 * The mount points `inspect` will show, and what the runtime mounts for
 * them. `--volumes-from` names a container as every other reference does
 * (name, id, prefix of an id); the anonymous volumes made along the way
 * are listed in `made`, for the caller to remove should the create fail.
 * Under --userns-remap, the directories `-v /host/dir:/x` makes for a
 * missing /host/dir belong to the remapped root, as dockerd makes them
 * (chapter 02 would make them the host root's); one that exists keeps its owner.
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
  if (ctx.remappedRoot) for (const p of points) if (p.Type === 'bind') mkdirAs(p.Source, ctx.remappedRoot.root);
  return { points, ...runtimeMounts(points, hc, (name) => volumes.optionsOf(name)) };
}
// #endregion container-mounts
