// container.ts — what the daemon remembers about one container.
//
// moby keeps `config.v2.json` (and hostconfig.json) in each container's
// directory; skiffd keeps one `config.v2.json` beside chapter 02's own
// container.json, in the same directory, so that both engines see the same
// container. It is rewritten whole and renamed into place on every change:
// a daemon killed at any instant leaves the old record or the new one.

import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerConfig, HostConfig } from '../api/index.js';
import { newState, Waiters, type StateRecord } from './state.js';

// #region container-record
export interface MountPoint {
  Type: 'bind';
  Source: string;
  Destination: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
}

export interface ContainerRecord {
  ID: string;
  Created: string;
  Path: string;
  Args: string[];
  /** The request's config merged with the image's. */
  Config: ContainerConfig & { Image: string; Labels: Record<string, string>; Env: string[] };
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
}
// #endregion container-record

// #region container
export class Container {
  readonly waiters = new Waiters();
  /** Set while a removal is under way, so that a second one (or a start) backs off. */
  removing = false;

  constructor(readonly record: ContainerRecord, readonly dir: string) {}

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

  /** Writes config.v2.json whole, then renames it into place. */
  save(): void {
    const path = join(this.dir, 'config.v2.json');
    writeFileSync(`${path}.tmp`, JSON.stringify(this.record));
    renameSync(`${path}.tmp`, path);
  }

  static fresh(fields: Omit<ContainerRecord, 'State' | 'RestartCount' | 'HasBeenStartedBefore' | 'HasBeenManuallyStopped'>, dir: string): Container {
    return new Container({ ...fields, State: newState(), RestartCount: 0, HasBeenStartedBefore: false, HasBeenManuallyStopped: false }, dir);
  }
}
// #endregion container
