// userns-mode.ts — a container's user namespace: the daemon's remapped root, or the host's (--userns=host).

import { InvalidArgumentError, type Spec } from '../../01-namespaces/index.js';
import type { IdMap } from '../../02-images/index.js';
import type { HostConfig } from '../api/index.js';

// #region userns-mode
/**
 * The maps of the user namespace a container gets; undefined for the
 * host's. Under --userns-remap every container gets the daemon's, unless it
 * asks for the host's (`--userns=host`); without it, only "host" (what it
 * gets anyway) is accepted. What a remapped root cannot share with the
 * host is refused in dockerd's words: its network namespace, and the
 * privileges `--privileged` would give a root that is not the host's.
 */
export function containerUserns(hc: HostConfig, remapped: IdMap | undefined): IdMap | undefined {
  const mode = hc.UsernsMode || '';
  if (mode !== '' && mode !== 'host' && !(mode === 'private' && remapped)) {
    throw new InvalidArgumentError(`invalid UsernsMode: ${mode}: this daemon knows "host"${remapped ? ' and "private"' : ', and "private" only with --userns-remap'}`);
  }
  if (!remapped || mode === 'host') return undefined;
  if (hc.Privileged) {
    throw new InvalidArgumentError('privileged mode is incompatible with user namespaces.  You must run the container in the host namespace when running privileged mode');
  }
  if (hc.NetworkMode === 'host') throw new InvalidArgumentError("cannot share the host's network namespace when user namespaces are enabled");
  return remapped;
}

/** A new user namespace with the maps, in the bundle's config.json (chapter 01 writes them, `man 7 user_namespaces`). */
export function applyUserns(spec: Spec, maps: IdMap): void {
  const linux = (spec.linux ??= {});
  linux.namespaces = [...(linux.namespaces ?? []).filter((ns) => ns.type !== 'user'), { type: 'user' }];
  linux.uidMappings = [...maps.uids];
  linux.gidMappings = [...maps.gids];
}
// #endregion userns-mode
