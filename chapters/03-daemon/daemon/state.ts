// state.ts — a container's state, and the waiters `docker wait` leaves on it.
//
// moby's container.State in small: the fields `docker inspect` shows under
// State, the Status word derived from them, and the moments someone may be
// waiting for — the next exit, the container no longer running, the
// container removed. `docker run` leaves such a waiter *before* it starts
// the container, so a wait is a promise kept on the state, not a poll.

import type { WaitResult } from '../api/index.js';

// #region state
export type Status = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface StateRecord {
  Status: Status;
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
}

/** Go's zero time, which Docker shows for "never". */
export const NEVER = '0001-01-01T00:00:00Z';

export const newState = (): StateRecord => ({
  Status: 'created', Running: false, Paused: false, Restarting: false, OOMKilled: false, Dead: false,
  Pid: 0, ExitCode: 0, Error: '', StartedAt: NEVER, FinishedAt: NEVER,
});
// #endregion state

// #region wait
/** Promises for the moments of a container's life that clients wait for. */
export class Waiters {
  private exits: ((r: WaitResult) => void)[] = [];
  private removals: ((r: WaitResult) => void)[] = [];

  /** Resolves at the next exit, or — for `removed` — when the container is gone. */
  next(condition: 'next-exit' | 'removed'): Promise<WaitResult> {
    return new Promise((resolve) => (condition === 'removed' ? this.removals : this.exits).push(resolve));
  }

  exited(result: WaitResult): void {
    const waiting = this.exits;
    this.exits = [];
    for (const resolve of waiting) resolve(result);
  }

  removed(result: WaitResult): void {
    this.exited(result);
    const waiting = this.removals;
    this.removals = [];
    for (const resolve of waiting) resolve(result);
  }
}
// #endregion wait
