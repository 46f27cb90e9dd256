// niceness.ts — warm shims boot in the background.
//
// A pool refills while containers are being created, and on a machine with
// few cores the refill's two Node start-ups (the shim's and its init's)
// compete with that creation for the CPU. So a spare shim — one launched
// while the pool still has another ready — boots at a lower priority
// (`man 2 setpriority`: niceness 10), and takes the normal priority back,
// for itself and its init, the moment it is given a container. (A shim
// booted when none is ready boots at full speed: someone may be waiting.) On Linux the niceness belongs to each thread, not to the
// process, so we set it for every thread in /proc/PID/task; a thread or
// process started later inherits it from the thread that starts it (init,
// from the shim's main thread; the program, from init's).

import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';

// #region niceness
export const BACKGROUND = 10;
export const NORMAL = 0;

export function renice(pid: number, niceness: number): void {
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      setPriority(Number(tid), niceness);
    } catch {
      // a thread that ended meanwhile
    }
  }
}
// #endregion niceness
