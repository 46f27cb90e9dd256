// state.ts — what the runtime remembers between two commands.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomically } from './atomic-write.js';
import { isFrozen, type ContainerCgroup } from './cgroups.js';
import type { ContainerId } from './container-id.js';
import { ConflictError, NotFoundError, RuntimeError } from './errors.js';
import { isRunning } from './process-identity.js';
import type { HostRootMount } from './host-mounts.js';
import type { Spec } from './spec.js';

// #region oci-state
export const DEFAULT_STATE_ROOT = '/run/skiff';

/** The spec's four, and runc's `paused` for a container whose cgroup is frozen. */
export type ContainerStatus = 'creating' | 'created' | 'running' | 'paused' | 'stopped';

/** The state document of the OCI runtime spec, as `state <id>` prints it. */
export interface OciState {
  ociVersion: string;
  id: string;
  status: ContainerStatus;
  /** Host pid of the container's PID 1; 0 once stopped. */
  pid: number;
  bundle: string;
  rootfs: string;
  created: string;
  annotations?: Record<string, string>;
}

/** What we keep on disk: the OCI fields plus what later commands need. */
export interface StoredState extends Omit<OciState, 'status'> {
  /** Field 22 of /proc/<pid>/stat at create: tells our init from a later process given the same pid. */
  startTime: string;
  cgroup: ContainerCgroup | null;
  /** The config the container was created from, for `exec`. */
  spec: Spec;
  /** Without a mount namespace: the rootfs mount made in the host's, which delete takes down. */
  hostRoot?: HostRootMount;
}
// #endregion oci-state

// #region paths
export function containerDir(root: string, id: ContainerId): string {
  return join(root, id);
}

export function fifoPath(root: string, id: ContainerId): string {
  return join(root, id, 'exec.fifo');
}

/** mkdir is atomic: of two `create`s of the same id, exactly one gets the directory. */
export function claimContainerDir(root: string, id: ContainerId): string {
  mkdirSync(root, { recursive: true, mode: 0o711 });
  const dir = containerDir(root, id);
  try {
    mkdirSync(dir, { mode: 0o711 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new ConflictError(`container ${JSON.stringify(id)} already exists`);
    throw err;
  }
  return dir;
}

export function removeContainerDir(root: string, id: ContainerId): void {
  rmSync(containerDir(root, id), { recursive: true, force: true });
}
// #endregion paths

// #region read-write
/**
 * Not durable: a state file describes live processes, and a crash of the
 * machine kills them all, so flushing it would buy nothing but time on
 * every start. If a crash does leave a state.json empty, `delete --force`
 * still removes the container (see hasState).
 */
export function writeState(root: string, state: StoredState): void {
  writeAtomically(join(root, state.id, 'state.json'), JSON.stringify(state, null, 2) + '\n', { durable: false });
}

export function readState(root: string, id: ContainerId): StoredState {
  let text: string;
  try {
    text = readFileSync(join(root, id, 'state.json'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`container ${JSON.stringify(id)} does not exist`);
    throw err;
  }
  try {
    return JSON.parse(text) as StoredState;
  } catch {
    throw new RuntimeError(`container ${JSON.stringify(id)}: its state file is damaged (a crash?); delete --force removes it`);
  }
}
// #endregion read-write

// #region list-ids
/** Whether the container has a whole state.json: a `create` killed early, or a crash, can leave a directory without one. */
export function hasState(root: string, id: ContainerId): boolean {
  try {
    readState(root, id);
    return true;
  } catch {
    return false;
  }
}

/** The ids under the state root that have a state.json (a `create` still under way has none yet). */
export function listIds(root: string): ContainerId[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((name) => existsSync(join(root, name, 'state.json')))
    .sort() as ContainerId[];
}
// #endregion list-ids

// #region liveness
export function observeStatus(root: string, state: StoredState): OciState {
  const alive = isRunning(state);
  const status: ContainerStatus = !alive
    ? 'stopped'
    : existsSync(fifoPath(root, state.id as ContainerId))
      ? 'created'
      : state.cgroup && isFrozen(state.cgroup)
        ? 'paused'
        : 'running';
  const { ociVersion, id, bundle, rootfs, created, annotations } = state;
  return { ociVersion, id, status, pid: alive ? state.pid : 0, bundle, rootfs, created, annotations: annotations ?? {} };
}
// #endregion liveness
