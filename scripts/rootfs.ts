// A tiny root filesystem made locally from Debian's busybox-static: one
// static binary and a symlink per applet. No network and no image needed.
// The demo, the tests and the benchmarks all start containers from it;
// chapter 02 builds images on top of the same idea.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const BUSYBOX = '/bin/busybox';

/** Makes a busybox root filesystem in `dir` (created if needed) and returns `dir`. */
export function makeBusyboxRootfs(dir: string): string {
  for (const d of ['bin', 'sbin', 'etc', 'proc', 'sys', 'dev', 'tmp', 'root', 'usr/bin', 'usr/sbin']) {
    mkdirSync(join(dir, d), { recursive: true });
  }
  copyFileSync(BUSYBOX, join(dir, 'bin/busybox'));
  // `busybox --list-full` names every applet with its install path (bin/sh, usr/bin/env...).
  const applets = execFileSync(BUSYBOX, ['--list-full'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const applet of applets) {
    if (applet === 'bin/busybox') continue;
    try {
      symlinkSync('/bin/busybox', join(dir, applet));
    } catch {
      // an applet listed twice, or a directory we did not make: skip it
    }
  }
  writeFileSync(join(dir, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
  writeFileSync(join(dir, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
  return dir;
}
