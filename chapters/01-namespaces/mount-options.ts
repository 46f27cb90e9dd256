// mount-options.ts — from `["nosuid", "ro", "mode=755"]` to mount(2)'s arguments (`man 8 mount`).

import { MS } from './libc.js';

// #region option-table
/** Options that set (or, with `clear`, unset) a flag. */
const FLAG_OPTIONS: Record<string, { flag: number; clear?: boolean }> = {
  ro: { flag: MS.RDONLY },
  rw: { flag: MS.RDONLY, clear: true },
  nosuid: { flag: MS.NOSUID },
  suid: { flag: MS.NOSUID, clear: true },
  nodev: { flag: MS.NODEV },
  dev: { flag: MS.NODEV, clear: true },
  noexec: { flag: MS.NOEXEC },
  exec: { flag: MS.NOEXEC, clear: true },
  sync: { flag: MS.SYNCHRONOUS },
  async: { flag: MS.SYNCHRONOUS, clear: true },
  dirsync: { flag: MS.DIRSYNC },
  remount: { flag: MS.REMOUNT },
  mand: { flag: MS.MANDLOCK },
  nomand: { flag: MS.MANDLOCK, clear: true },
  atime: { flag: MS.NOATIME, clear: true },
  noatime: { flag: MS.NOATIME },
  diratime: { flag: MS.NODIRATIME, clear: true },
  nodiratime: { flag: MS.NODIRATIME },
  relatime: { flag: MS.RELATIME },
  norelatime: { flag: MS.RELATIME, clear: true },
  strictatime: { flag: MS.STRICTATIME },
  nostrictatime: { flag: MS.STRICTATIME, clear: true },
  bind: { flag: MS.BIND },
  rbind: { flag: MS.BIND | MS.REC },
  nosymfollow: { flag: MS.NOSYMFOLLOW },
};

const PROPAGATION_OPTIONS: Record<string, number> = {
  private: MS.PRIVATE,
  rprivate: MS.PRIVATE | MS.REC,
  shared: MS.SHARED,
  rshared: MS.SHARED | MS.REC,
  slave: MS.SLAVE,
  rslave: MS.SLAVE | MS.REC,
  unbindable: MS.UNBINDABLE,
  runbindable: MS.UNBINDABLE | MS.REC,
};
// #endregion option-table

// #region parse-options
export interface MountOptions {
  flags: number;
  /** Propagation changes, applied one by one after the mount. */
  propagation: number[];
  /** Everything the kernel should hand to the filesystem, e.g. "mode=755,size=65536k". */
  data: string;
}

export function parseMountOptions(options: readonly string[] = []): MountOptions {
  let flags = 0;
  const propagation: number[] = [];
  const data: string[] = [];
  for (const option of options) {
    const flag = FLAG_OPTIONS[option];
    if (flag) flags = flag.clear ? flags & ~flag.flag : flags | flag.flag;
    else if (option in PROPAGATION_OPTIONS) propagation.push(PROPAGATION_OPTIONS[option]!);
    else if (option !== 'defaults') data.push(option);
  }
  return { flags, propagation, data: data.join(',') };
}
// #endregion parse-options
