// pidfile.ts — one daemon per data root.
//
// Two daemons over one data root would each believe they own every
// container's state, and each restart the other's containers. dockerd
// refuses to start when its pid file names a live process; skiffd does the
// same, with the pid file inside the data root itself, so that the lock
// follows the data and not the socket. The file is created with O_EXCL
// (man 2 open): of two daemons starting at once, exactly one succeeds. A
// file left by a daemon that died (kill -9) names a dead pid, and is taken
// over.
//
// The daemonless `skiff-engine` of chapter 02 takes no such lock, and need
// not: it shares the image index through chapter 02's own lock file around
// index.json, and every container is a directory of its own whose records
// are replaced by rename, never edited in place.

import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

// #region pidfile
export class DataRootInUseError extends Error {}

/** Takes the data root for this process; returns the function that gives it back. */
export function lockDataRoot(dataRoot: string): () => void {
  mkdirSync(dataRoot, { recursive: true });
  const path = join(dataRoot, 'skiffd.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o644);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(path, 'utf8').trim());
      if (isAlive(owner) && owner !== process.pid) {
        throw new DataRootInUseError(`data root ${dataRoot} is in use by another skiffd (pid ${owner}); stop it first`);
      }
      unlinkSync(path); // left by a daemon that is gone
      continue;
    }
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    return () => {
      try {
        if (Number(readFileSync(path, 'utf8').trim()) === process.pid) unlinkSync(path);
      } catch {
        // already gone
      }
    };
  }
  throw new DataRootInUseError(`data root ${dataRoot}: cannot take ${path}`);
}

/** Signal 0 only asks whether a process exists (man 2 kill). */
function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
// #endregion pidfile
