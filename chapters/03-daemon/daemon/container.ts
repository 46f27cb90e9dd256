// container.ts — what the daemon remembers about one container.

import { join } from 'node:path';
import { writeAtomically, type AtomicWriteOptions } from '../../01-namespaces/index.js';
import type { ContainerConfig, HostConfig } from '../api/index.js';
import type { NetworkSettings } from '../networks/index.js';
import type { Shim } from '../shim/index.js';
import type { MountPoint } from '../volumes/index.js';
import { newState, Waiters, type StateRecord } from './state.js';

// #region container-record

export interface ContainerRecord {
  ID: string;
  Created: string;
  Path: string;
  Args: string[];
  /** The request's config merged with the image's. */
  Config: ContainerConfig & { Image: string; Labels: Record<string, string> };
  HostConfig: HostConfig & { RestartPolicy: { Name: string; MaximumRetryCount: number } };
  State: StateRecord;
  /** The image id the container was made from. */
  Image: string;
  Name: string;
  RestartCount: number;
  HasBeenStartedBefore: boolean;
  /** `docker stop` was asked: `unless-stopped` and `always` leave it stopped until started again. */
  HasBeenManuallyStopped: boolean;
  LogPath: string;
  Mounts: MountPoint[];
  /** Why the program cannot start, found out at create (chapter 02's checks): reported by `start`. */
  StartError?: { message: string; exitCode: number };
  /** Its networks (addresses while it runs) and published ports; absent in records older than networks. */
  NetworkSettings?: NetworkSettings;
}
// #endregion container-record

// #region container
/** A client attached before the container runs, waiting for the shim that start() will spawn. */
export interface PendingAttach {
  connect(shim: Shim): Promise<void>;
  /** The container went away (removed) before it ever ran. */
  cancel(): void;
}

export class Container {
  readonly waiters = new Waiters();
  /** Set while a removal is under way, so that a second one (or a start) backs off. */
  removing = false;
  /** The shim holding the running container; undefined while it is not running. */
  shim?: Shim;
  /** Clients that attached before the next start. */
  readonly pendingAttaches = new Set<PendingAttach>();
  /** A restart the policy has scheduled, cancelled by stop, kill or rm. */
  restartTimer?: NodeJS.Timeout;
  /** The last wait between policy restarts (restart-policy.ts doubles it). */
  restartDelayMs = 0;
  /** Set once the container is gone from disk: a second removal has nothing to do. */
  destroyed = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly record: ContainerRecord, readonly dir: string) {}
  // #endregion container

  // #region container-exclusive
  get id(): string {
    return this.record.ID;
  }

  /** The name without its leading slash, as users type it. */
  get name(): string {
    return this.record.Name.slice(1);
  }

  get state(): StateRecord {
    return this.record.State;
  }

  /**
   * Runs `work` after every change of state asked for before it (moby's
   * container lock): of a start and an rm sent at once, one finishes
   * before the other looks at the state.
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => {});
    return next;
  }

  // #endregion container-exclusive

  // #region container-changes
  /** Calls off a restart the policy scheduled: the container stays exited. */
  cancelRestart(): void {
    if (!this.restartTimer && !this.state.Restarting) return;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.state.Restarting = false;
    this.state.Status = 'exited';
    this.save();
  }

  /** What every event about this container carries: its image, its name, its labels (moby's). */
  eventAttributes(extra: Record<string, string> = {}): Record<string, string> {
    return { ...this.record.Config.Labels, ...extra, image: this.record.Config.Image, name: this.name };
  }

  /** Writes config.v2.json whole or not at all (chapter 01's writeAtomically); `durable` as there. */
  save(options: AtomicWriteOptions = {}): void {
    if (this.destroyed) return; // its directory is gone, and the record with it
    writeAtomically(join(this.dir, 'config.v2.json'), JSON.stringify(this.record), options);
  }

  static fresh(fields: Omit<ContainerRecord, 'State' | 'RestartCount' | 'HasBeenStartedBefore' | 'HasBeenManuallyStopped'>, dir: string): Container {
    return new Container({ ...fields, State: newState(), RestartCount: 0, HasBeenStartedBefore: false, HasBeenManuallyStopped: false }, dir);
  }
}
// #endregion container-changes
