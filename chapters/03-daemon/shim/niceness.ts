// niceness.ts — warm shims boot in the background (man 2 setpriority: niceness is per thread).

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
