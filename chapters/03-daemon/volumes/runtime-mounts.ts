// runtime-mounts.ts — mount points as the OCI runtime's config.json takes them.

import type { MountSpec } from '../../01-namespaces/index.js';
import type { VolumeMount } from '../../02-images/index.js';
import type { HostConfig } from '../api/index.js';
import { volumeMount } from './local-driver.js';
import type { MountPoint } from './mount-points.js';

// #region runtime-mounts
/**
 * Plain directories (binds, and volumes kept in `_data`) go to chapter
 * 02's container create, which makes a missing `-v` source and fills an
 * empty volume from the image; everything else (tmpfs, a volume on a
 * device) is a mount of its own, added to config.json after.
 */
export function runtimeMounts(
  points: readonly MountPoint[], hc: HostConfig, optionsOf: (volume: string) => Record<string, string> | null,
): { binds: VolumeMount[]; extra: MountSpec[] } {
  const binds: VolumeMount[] = [];
  const extra: MountSpec[] = Object.entries(hc.Tmpfs ?? {}).map(([path, data]) => tmpfs(path, data.split(',').filter(Boolean), false));
  for (const point of points) {
    if (point.Type === 'bind') binds.push({ source: point.Source, destination: point.Destination, readonly: !point.RW });
    else if (point.Type === 'tmpfs') extra.push(tmpfs(point.Destination, tmpfsOptions(hc, point.Destination), !point.RW));
    else {
      const options = optionsOf(point.Name!);
      if (options?.device) extra.push(volumeMount(point.Source, options, point.Destination, !point.RW));
      else binds.push({ source: point.Source, destination: point.Destination, readonly: !point.RW, fill: !point.NoCopy });
    }
  }
  return { binds, extra };
}

/**
 * Docker's tmpfs defaults: no devices, no set-uid, no programs run from it
 * (moby's setMounts), then the user's own options, which win.
 */
function tmpfs(destination: string, options: string[], readonly: boolean): MountSpec {
  return { destination, type: 'tmpfs', source: 'tmpfs', options: ['noexec', 'nosuid', 'nodev', ...options, ...(readonly ? ['ro'] : [])] };
}

/** `--mount type=tmpfs,tmpfs-size=…,tmpfs-mode=…` as mount(8) options: bytes, and the mode in octal. */
function tmpfsOptions(hc: HostConfig, destination: string): string[] {
  const request = (hc.Mounts ?? []).find((m) => m.Type === 'tmpfs' && m.Target && m.Target.replace(/\/+$/, '') === destination)?.TmpfsOptions;
  return [...(request?.SizeBytes ? [`size=${request.SizeBytes}`] : []), ...(request?.Mode ? [`mode=${request.Mode.toString(8)}`] : [])];
}
// #endregion runtime-mounts

// #region order-mounts
/**
 * The user's mounts, after the runtime's own, parents before children
 * (moby sorts by the number of path parts): a bind at `/a/b` lands inside
 * a tmpfs at `/a` rather than under it.
 */
export function orderMounts(spec: readonly MountSpec[], mounts: ReturnType<typeof runtimeMounts>): MountSpec[] {
  const user = new Set(mounts.binds.map((b) => b.destination));
  const depth = (m: MountSpec) => m.destination.split('/').filter(Boolean).length;
  const mine = [...spec.filter((m) => user.has(m.destination)), ...mounts.extra].sort((a, b) => depth(a) - depth(b));
  return [...spec.filter((m) => !user.has(m.destination)), ...mine];
}
// #endregion order-mounts
