// user-namespace.ts — root in the container, an unprivileged user on the host (`man 7 user_namespaces`).

import { realpathSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InvalidArgumentError } from './errors.js';
import type { IdMapping, NamespaceSpec, NamespaceType, Spec } from './spec.js';

// #region user-namespace-kind
/**
 * The user namespace init must be in before Node starts: a new one, or one
 * joined by path; and the other namespaces joined by path, which the tool
 * joins too, while it is still the host's root (the PID one is the parent's).
 */
export type UserNamespace = ({ kind: 'new' } | { kind: 'join'; path: string }) & { joins?: NamespaceSpec[] };

export function userNamespaceOf(spec: Spec): UserNamespace | undefined {
  const namespaces = spec.linux?.namespaces ?? [];
  const ns = namespaces.find((n) => n.type === 'user');
  if (!ns) return undefined;
  const joins = namespaces.filter((n) => n.path && n.type !== 'user' && n.type !== 'pid');
  return ns.path ? { kind: 'join', path: ns.path, joins } : { kind: 'new', joins };
}
// #endregion user-namespace-kind

// #region user-namespace-tool
/**
 * The command init's Node is started through. unshare(CLONE_NEWUSER) is
 * refused to a process with more than one thread (`man 2 unshare`), and
 * Node has threads before it runs a line of ours, so a single-threaded
 * program makes the namespace and then execs Node: util-linux's
 * unshare(1), or nsenter(1) to join one. A user namespace made together
 * with other namespaces is made first and owns them (`man 2 unshare`), so
 * the PID namespace is made by the tool as well: one owned by the host's
 * user namespace would refuse the container's root a /proc mount. A new
 * PID namespace only holds the caller's next child, so a second tool forks
 * Node, waits for it, and ends as it does: coreutils' timeout(1) with no
 * limit (0). It dies of the signal that killed init, SIGKILL included,
 * where unshare's own --fork (util-linux 2.38) exits 1 instead.
 *
 * --keep-caps: in a new user namespace nothing is mapped yet, so we are
 * "nobody" there, and execve would drop the full capabilities unshare(2)
 * gave us; kept as ambient capabilities, they reach Node, which becomes
 * root once the runtime has written the maps (init.ts).
 */
export function userNamespaceTool(user: UserNamespace, newPidNamespace: boolean): string[] {
  const [pid, fork] = newPidNamespace ? [['--pid'], ['timeout', '--foreground', '0']] : [[], []];
  // runc's order (nsexec.c): namespaces given by path are joined first,
  // while we may still enter ones the host's user namespace owns.
  const joins = (user.joins ?? []).map((ns) => `--${NSENTER_OPTION[ns.type]}=${ns.path}`);
  if (user.kind === 'new') return [...(joins.length ? ['nsenter', ...joins, '--'] : []), 'unshare', '--user', '--keep-caps', ...pid, '--', ...fork];
  // nsenter becomes uid and gid 0 of the namespace it joins, whose maps exist.
  return ['nsenter', `--user=${user.path}`, ...joins, '--', ...(newPidNamespace ? ['unshare', ...pid, '--', ...fork] : [])];
}

const NSENTER_OPTION: Record<NamespaceType, string> = { network: 'net', ipc: 'ipc', uts: 'uts', mount: 'mount', cgroup: 'cgroup', pid: 'pid', user: 'user', time: 'time' };
// #endregion user-namespace-tool

// #region write-maps
/**
 * The parent's half of the handshake: write the maps of the namespace
 * `pid` is in. Each file takes one write(2), once (`man 7
 * user_namespaces`, "Defining user and group ID mappings"). We are root in
 * the parent namespace, so gid_map needs no "deny" in /proc/PID/setgroups
 * first: that is only asked of unprivileged writers, and would stop the
 * container from ever calling setgroups(2) (process.user.additionalGids).
 */
export function writeIdMaps(pid: number, spec: Spec): void {
  const lines = (maps: readonly IdMapping[]) => maps.map((m) => `${m.containerID} ${m.hostID} ${m.size}\n`).join('');
  writeFileSync(`/proc/${pid}/uid_map`, lines(spec.linux?.uidMappings ?? []));
  writeFileSync(`/proc/${pid}/gid_map`, lines(spec.linux?.gidMappings ?? []));
}

/** The host id that `id` of the container maps to, if any. */
export function hostId(maps: readonly IdMapping[] = [], id: number): number | undefined {
  const m = maps.find((map) => id >= map.containerID && id < map.containerID + map.size);
  return m && m.hostID + (id - m.containerID);
}
// #endregion write-maps

// #region check-user-namespace
/**
 * A new user namespace needs its maps, and maps need a new user namespace
 * (config-linux.md, "User namespace mappings"). And the rootfs must be
 * reachable by the container's root, who is nobody special on the host: it
 * has its capabilities only over files whose owner and group are mapped.
 */
export function checkUserNamespace(spec: Spec, rootfs: string): void {
  const linux = spec.linux ?? {};
  const user = userNamespaceOf(spec);
  const hasMaps = Boolean(linux.uidMappings?.length || linux.gidMappings?.length);
  if (user?.kind !== 'new') {
    if (hasMaps) throw new InvalidArgumentError('config.json: linux.uidMappings: maps are only written for a new user namespace (add {"type": "user"} to linux.namespaces)');
    return;
  }
  for (const field of ['uidMappings', 'gidMappings'] as const) {
    if (hostId(linux[field], 0) === undefined) throw new InvalidArgumentError(`config.json: linux.${field}: a new user namespace needs a mapping for its root (containerID 0)`);
  }
  checkReachable(rootfs, hostId(linux.uidMappings, 0)!, hostId(linux.gidMappings, 0)!, linux.uidMappings!, linux.gidMappings!);
}
// #endregion check-user-namespace

// #region check-reachable
/**
 * Walk from the rootfs up to "/": each directory must let the mapped root
 * search it. Owner and group both mapped: its capabilities apply. Else the
 * permission bits decide, as for any user.
 */
function checkReachable(rootfs: string, uid: number, gid: number, uidMaps: readonly IdMapping[], gidMaps: readonly IdMapping[]): void {
  const mapped = (maps: readonly IdMapping[], id: number) => maps.some((m) => id >= m.hostID && id < m.hostID + m.size);
  for (let dir = realpathSync(rootfs); ; dir = dirname(dir)) {
    const st = statSync(dir);
    const bit = st.uid === uid ? 0o100 : st.gid === gid ? 0o010 : 0o001;
    const searchable = (mapped(uidMaps, st.uid) && mapped(gidMaps, st.gid)) || (st.mode & bit) !== 0;
    if (!searchable) {
      throw new InvalidArgumentError(
        `config.json: root.path: ${dir} cannot be searched by the container's root (host uid ${uid}, gid ${gid}): chown the rootfs to the mapped ids and let its parents be searched (chmod o+x)`,
      );
    }
    if (dir === '/') return;
  }
}
// #endregion check-reachable
