// mountinfo.ts — the kernel's table of mounts, read.
//
// /proc/PID/mountinfo lists every mount the process can see, one per line
// (`man 5 proc_pid_mountinfo`):
//
//   36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue
//   (1)(2) (3)   (4)     (5)         (6)       (7)   (8) (9)    (10)        (11)
//
// (4) is the directory of the filesystem that is mounted ("/" unless a bind
// mount took a subdirectory), (5) where it is mounted, (9) to (11) its type,
// source and the filesystem's own options; optional fields (7) run up to the
// " - " separator. Paths may hold any character, so the kernel writes a
// space, tab, newline, backslash (and, in options, a comma) as an octal
// escape: a mount point `/mnt/my disk` reads `/mnt/my\040disk`.

import { readFileSync } from 'node:fs';

// #region mountinfo
/** One line of mountinfo, its paths decoded. */
export interface MountInfo {
  /** (1) and (2): the mount's unique ID while it is mounted, and its parent's. */
  id: number;
  parentId: number;
  root: string;
  mountPoint: string;
  options: string[];
  /** The optional fields (7): `shared:N`, `master:N`... how the mount propagates. */
  optional: string[];
  fsType: string;
  source: string;
  superOptions: string[];
}
// #endregion mountinfo

// #region parse-mountinfo
/** `\040` → " ": the kernel's octal escapes, undone. */
const decode = (text: string): string => text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));

export function parseMountInfo(text: string): MountInfo[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [left = '', right = ''] = line.split(' - ');
      const fields = left.split(' ');
      const [fsType = '', source = '', superOptions = ''] = right.split(' ');
      return {
        id: Number(fields[0]),
        parentId: Number(fields[1]),
        root: decode(fields[3] ?? ''),
        mountPoint: decode(fields[4] ?? ''),
        options: (fields[5] ?? '').split(','),
        optional: fields.slice(6).filter(Boolean),
        fsType,
        source: decode(source),
        superOptions: superOptions.split(',').map(decode),
      };
    });
}

/** The mounts that process `pid` (by default this one) sees. */
export function readMountInfo(pid: number | 'self' = 'self'): MountInfo[] {
  return parseMountInfo(readFileSync(`/proc/${pid}/mountinfo`, 'utf8'));
}
// #endregion parse-mountinfo
