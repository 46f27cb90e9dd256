// exit-record.ts — how a container ended, kept where a restarted daemon finds it.
//
// The shim is the only one who sees the container's PID 1 die: it is its
// parent. It writes what it learnt to <dir>/exit.json before it goes, with
// the atomic write of chapter 01 (a temporary file, fsync, rename, fsync
// of the directory): a daemon that restarts finds the old record or the
// new one, never half of one, even after a crash of the machine.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomically } from '../../01-namespaces/index.js';

// #region exit-record
/** Written atomically to <dir>/exit.json once the container's PID 1 has been reaped. */
export interface ExitRecord {
  /** The exit code, or 128 + the signal that killed it. */
  exitCode: number;
  /** Whether the OOM killer killed any process of the container, PID 1 or a child. */
  oomKilled: boolean;
  /** RFC 3339 with nanoseconds, as Docker writes them; Go's zero time if it never started. */
  startedAt: string;
  finishedAt: string;
}

export const NEVER = '0001-01-01T00:00:00Z';

export const exitPath = (dir: string) => join(dir, 'exit.json');

export function writeExit(dir: string, record: ExitRecord): void {
  writeAtomically(exitPath(dir), JSON.stringify(record) + '\n');
}

/** The exit record, if the container has exited (readable after the shim is gone). */
export function readExit(dir: string): ExitRecord | undefined {
  try {
    return JSON.parse(readFileSync(exitPath(dir), 'utf8')) as ExitRecord;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
// #endregion exit-record
