// data-root-lock.ts — one daemon per data root.
//
// The lock is `skiffd.lock`, created with O_EXCL (man 2 open) and holding its
// owner as chapter 01's ownerTag: pid and start time. A bare pid would not
// do: a daemon killed with SIGKILL leaves its file behind, and its pid may
// already name another process — or the daemon itself, as a zombie its
// parent has not reaped. `skiffd.pid` beside it holds the pid alone, for
// `kill $(cat skiffd.pid)`, as dockerd's pidfile does.

import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isRunning, ownerOf, ownerTag, writeAtomically } from '../../01-namespaces/index.js';

// #region data-root-lock
export class DataRootInUseError extends Error {}

/** Takes the data root for this process; returns the function that gives it back. */
export function lockDataRoot(dataRoot: string): () => void {
  mkdirSync(dataRoot, { recursive: true });
  const lock = join(dataRoot, 'skiffd.lock');
  const pidfile = join(dataRoot, 'skiffd.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(lock, 'wx', 0o644);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = ownerOf(readFileSync(lock, 'utf8'));
      // No owner in it yet: another daemon has just created it and is writing.
      if (owner === undefined || isRunning(owner)) {
        throw new DataRootInUseError(`data root ${dataRoot} is in use by another skiffd (pid ${owner?.pid ?? 'starting'}); stop it first`);
      }
      unlinkSync(lock); // left by a daemon that is gone
      continue;
    }
    writeSync(fd, ownerTag());
    closeSync(fd);
    writeAtomically(pidfile, `${process.pid}\n`);
    return () => {
      for (const path of [pidfile, lock]) {
        try {
          unlinkSync(path);
        } catch {
          // already gone
        }
      }
    };
  }
  throw new DataRootInUseError(`data root ${dataRoot}: cannot take ${lock}`);
}
// #endregion data-root-lock
