// credentials.ts — who the container's program runs as, and within which limits.

import { readFileSync, writeFileSync } from 'node:fs';
import { RuntimeError } from './errors.js';
import { prctl, PR, setgroups, setresgid, setresuid, setrlimit } from './libc.js';

// #region rlimits
/** RLIMIT_* numbers from <sys/resource.h>; see `man 2 setrlimit`. */
export const RLIMIT_NUMBERS = {
  RLIMIT_CPU: 0, RLIMIT_FSIZE: 1, RLIMIT_DATA: 2, RLIMIT_STACK: 3, RLIMIT_CORE: 4,
  RLIMIT_RSS: 5, RLIMIT_NPROC: 6, RLIMIT_NOFILE: 7, RLIMIT_MEMLOCK: 8, RLIMIT_AS: 9,
  RLIMIT_LOCKS: 10, RLIMIT_SIGPENDING: 11, RLIMIT_MSGQUEUE: 12, RLIMIT_NICE: 13,
  RLIMIT_RTPRIO: 14, RLIMIT_RTTIME: 15,
} as const;

export type RlimitName = keyof typeof RLIMIT_NUMBERS;

export interface Rlimit {
  type: string;
  soft: number;
  hard: number;
}

/** Set before dropping capabilities: raising a hard limit needs CAP_SYS_RESOURCE. */
export function setRlimits(rlimits: Rlimit[] = []): void {
  for (const { type, soft, hard } of rlimits) {
    setrlimit(RLIMIT_NUMBERS[type as RlimitName], BigInt(soft), BigInt(hard));
  }
}

/**
 * How eagerly the OOM killer picks this process, -1000 (never) to 1000
 * (first); `man 5 proc`, /proc/pid/oom_score_adj. Lowering it needs
 * CAP_SYS_RESOURCE, so it is set with the rlimits.
 */
export function setOomScoreAdj(score: number): void {
  try {
    writeFileSync('/proc/self/oom_score_adj', String(score));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new RuntimeError(`process.oomScoreAdj: the kernel refused ${score} (${code}): lowering it needs CAP_SYS_RESOURCE`);
  }
}
// #endregion rlimits

// #region switch-user
export interface User {
  uid: number;
  gid: number;
  additionalGids?: number[];
}

/**
 * Become `user`. Changing the uid away from 0 clears the permitted and
 * effective capabilities, unless PR_SET_KEEPCAPS is on (`man 7
 * capabilities`, "Effect of user ID changes"), so we hold on to them across
 * the switch and let setCapabilities choose afterwards. Groups go first:
 * once we are not root, setgroups is no longer allowed.
 */
export function switchUser(user: User): void {
  prctl(PR.SET_KEEPCAPS, 1);
  setgroups(user.additionalGids ?? []);
  setresgid(user.gid);
  setresuid(user.uid);
  prctl(PR.SET_KEEPCAPS, 0);
}
// #endregion switch-user

// #region no-new-privs
/** prctl(PR_SET_NO_NEW_PRIVS): inherited by every descendant, and cannot be undone. */
export function setNoNewPrivileges(): void {
  prctl(PR.SET_NO_NEW_PRIVS, 1);
}
// #endregion no-new-privs

// #region home
/**
 * Programs expect $HOME. When config.json does not set it, take the user's
 * home from the container's /etc/passwd (`man 5 passwd`: the sixth field),
 * or "/" when there is none, as runc does.
 */
export function withHome(env: readonly string[], uid: number): string[] {
  if (env.some((e) => e.startsWith('HOME='))) return [...env];
  let home = '/';
  try {
    const entry = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .map((line) => line.split(':'))
      .find((fields) => fields[2] === String(uid));
    if (entry?.[5]) home = entry[5];
  } catch {
    // no /etc/passwd in this image
  }
  return [...env, `HOME=${home}`];
}
// #endregion home
