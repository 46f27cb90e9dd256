// A tiny root filesystem for tests, made locally from Debian's busybox-static:
// one static binary and a symlink per applet. No network, no image needed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, copyFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BUSYBOX = '/bin/busybox';

/** Makes a busybox root filesystem in `dir` (created if needed) and returns `dir`. */
export function makeBusyboxRootfs(dir: string): string {
  for (const d of ['bin', 'sbin', 'etc', 'proc', 'sys', 'dev', 'tmp', 'root', 'usr/bin', 'usr/sbin']) {
    mkdirSync(join(dir, d), { recursive: true });
  }
  copyFileSync(BUSYBOX, join(dir, 'bin/busybox'));
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

/** A fresh temporary directory; remove it with `removeTempDir`. */
export function makeTempDir(prefix = 'skiff-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
