// id-map.ts — a layer's owners shifted into a remapped root's range (`man 7 user_namespaces`).

import { chownSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { hostId, InvalidArgumentError, type IdMapping } from '../../01-namespaces/index.js';

// #region id-map
/**
 * The ranges a user namespace maps: container ids to host ids, as the OCI
 * runtime spec writes them (linux.uidMappings, linux.gidMappings). A
 * snapshotter given one unpacks every layer with its owners shifted, so that
 * the container's root, who is an unprivileged user on the host, sees its
 * image's files as its own — what dockerd's --userns-remap does to layers.
 */
export interface IdMap {
  uids: readonly IdMapping[];
  gids: readonly IdMapping[];
}

/** The host id a container id lands on; an id outside every range is refused, as dockerd refuses it. */
export function toHostId(maps: readonly IdMapping[], id: number, kind: 'uid' | 'gid'): number {
  const host = hostId(maps, id); // chapter 01's, which writes the same ranges into uid_map
  if (host === undefined) throw new InvalidArgumentError(`layer file owned by ${kind} ${id}: Container ID ${id} cannot be mapped to a host ID`);
  return host;
}

// #endregion id-map

// #region id-map-back
/**
 * The way back, for a layer written from a remapped snapshot: a host id
 * outside every range is shown as the kernel shows it to the container
 * itself, the overflow id 65534 (/proc/sys/kernel/overflowuid).
 */
const OVERFLOW_ID = 65534;

export function toContainerId(maps: readonly IdMapping[], id: number): number {
  const m = maps.find((r) => id >= r.hostID && id < r.hostID + r.size);
  return m ? m.containerID + (id - m.hostID) : OVERFLOW_ID;
}

/** A file's owner as the container sees it: unchanged without a map. */
export function ownerInContainer(map: IdMap | undefined, owner: { uid: number; gid: number }): { uid: number; gid: number } {
  if (!map) return { uid: owner.uid, gid: owner.gid };
  return { uid: toContainerId(map.uids, owner.uid), gid: toContainerId(map.gids, owner.gid) };
}

// #endregion id-map-back

// #region id-map-forth
/** A layer entry's owner, seen from the host: unchanged without a map. */
export function ownerOnHost(map: IdMap | undefined, owner: { uid: number; gid: number }): { uid: number; gid: number } {
  if (!map) return owner;
  return { uid: toHostId(map.uids, owner.uid, 'uid'), gid: toHostId(map.gids, owner.gid, 'gid') };
}
// #endregion id-map-forth

// #region mkdir-as
/**
 * `mkdir -p` for a remapped root: the directories it makes (and only those)
 * are given to `owner`, so that the container's root may write to them, as
 * dockerd's MkdirAllAndChownNew does. Without an owner, a plain `mkdir -p`.
 * A path that exists, a file to bind-mount say, is left as it is.
 */
export function mkdirAs(path: string, owner?: { uid: number; gid: number }): void {
  if (existsSync(path)) return;
  const first = mkdirSync(path, { recursive: true, mode: 0o755 }); // the top-most directory made, if any
  if (!owner || first === undefined) return;
  for (let dir = path; ; dir = dirname(dir)) {
    chownSync(dir, owner.uid, owner.gid);
    if (dir === first || dir === dirname(dir)) return;
  }
}
// #endregion mkdir-as
