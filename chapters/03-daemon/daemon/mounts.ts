// mounts.ts — a new container's mount points, from its HostConfig and its image, through the volume service.

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
  return { points, ...runtimeMounts(points, hc, (name) => volumes.optionsOf(name)) };
}
// #endregion container-mounts
