// id-map.ts — a layer's owners shifted into a remapped root's range (`man 7 user_namespaces`).

import { InvalidArgumentError, type IdMapping } from '../../01-namespaces/index.js';

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
  const m = maps.find((r) => id >= r.containerID && id < r.containerID + r.size);
  if (!m) throw new InvalidArgumentError(`layer file owned by ${kind} ${id}: Container ID ${id} cannot be mapped to a host ID`);
  return m.hostID + (id - m.containerID);
}

/** A layer entry's owner, seen from the host: unchanged without a map. */
export function ownerOnHost(map: IdMap | undefined, owner: { uid: number; gid: number }): { uid: number; gid: number } {
  if (!map) return owner;
  return { uid: toHostId(map.uids, owner.uid, 'uid'), gid: toHostId(map.gids, owner.gid, 'gid') };
}
// #endregion id-map
