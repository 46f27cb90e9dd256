// process-identity.ts — a process, told apart from a later one with the same pid.
//
// A pid names a process only while it runs: once it has exited, the kernel
// may give the number to any process that starts next. So whoever keeps a
// pid to look at later — the runtime its container's init, the content
// store the writer of a blob in progress, a lock its holder — keeps the
// process's start time with it: field 22 of /proc/PID/stat, in clock ticks
// since boot (`man 5 proc`). The two together name one process for as long
// as the machine runs.

import { readFileSync } from 'node:fs';

// #region identity
/** One process: its pid, and when it started. */
export interface ProcessIdentity {
  pid: number;
  startTime: string;
}

/**
 * The start time of `pid`, or undefined if there is no such process or it
 * is a zombie. The second field of the stat file is the command in
 * parentheses, which may itself hold spaces and ")", so we split after the
 * last ")".
 */
export function processStartTime(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return undefined; // dead, only not yet reaped
  return fields[19]; // field 22 overall; fields[0] is field 3
}

/** Is the process recorded still running, and still the same one? */
export function isRunning({ pid, startTime }: ProcessIdentity): boolean {
  return pid > 0 && processStartTime(pid) === startTime;
}
// #endregion identity

// #region owner-tag
let ownTag: string | undefined;

/**
 * This process as `PID-STARTTIME`: the start of the name of a file it owns
 * while it works (a blob being written, a directory being filled) or the
 * content of a lock it holds, so that anyone can tell later whether the
 * owner is still at work or gone, leaving the file behind.
 */
export function ownerTag(): string {
  ownTag ??= `${process.pid}-${processStartTime(process.pid)}`;
  return ownTag;
}

/** The process an ownerTag names in `text`: all of it, or its start up to a "-". */
export function ownerOf(text: string): ProcessIdentity | undefined {
  const match = /^(\d+)-(\d+)(?:-|$)/.exec(text);
  return match ? { pid: Number(match[1]), startTime: match[2]! } : undefined;
}
// #endregion owner-tag
