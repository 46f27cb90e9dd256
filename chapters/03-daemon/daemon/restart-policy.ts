// restart-policy.ts — whether a container that exited runs again, and when.
//
// moby's restartmanager: `no` never; `always` unless a user stopped it;
// `unless-stopped` the same, and also not at the daemon's next start if a
// user stopped it; `on-failure[:N]` after a non-zero exit, at most N times.
// A user's stop or kill is never undone by the policy. Between runs the
// daemon waits, 100 ms at first and twice as long each time (up to a
// minute), so a program that dies at once does not spin the machine; a run
// that lasted ten seconds resets the delay.

import type { ContainerRecord } from './container.js';

// #region should-restart
export const MAX_DELAY_MS = 60_000;
const FIRST_DELAY_MS = 100;

export function shouldRestart(record: ContainerRecord, exitCode: number): boolean {
  const { Name, MaximumRetryCount } = record.HostConfig.RestartPolicy;
  if (record.HasBeenManuallyStopped) return false;
  switch (Name) {
    case 'always':
    case 'unless-stopped':
      return true;
    case 'on-failure':
      return exitCode !== 0 && (MaximumRetryCount === 0 || record.RestartCount < MaximumRetryCount);
    default:
      return false;
  }
}

/** The wait before the next run: doubled each time, reset by a run of ten seconds or more. */
export function restartDelay(previousMs: number, ranMs: number): number {
  if (ranMs >= 10_000 || previousMs === 0) return FIRST_DELAY_MS;
  return Math.min(previousMs * 2, MAX_DELAY_MS);
}

/** At the daemon's start: `always`, `unless-stopped` not stopped by a user, and `on-failure` after a failure. */
export function restartsOnDaemonStart(record: ContainerRecord): boolean {
  if (!record.HasBeenStartedBefore) return false;
  const { Name } = record.HostConfig.RestartPolicy;
  if (Name === 'always') return true;
  if (Name === 'unless-stopped') return !record.HasBeenManuallyStopped;
  return Name === 'on-failure' && shouldRestart(record, record.State.ExitCode);
}
// #endregion should-restart
