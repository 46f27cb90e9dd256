// Temporary directories for tests, and the busybox root filesystem they run
// containers from (shared with the demo and the benchmarks, so it lives in
// scripts/).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export { BUSYBOX, makeBusyboxRootfs } from '../../scripts/rootfs.ts';

/** A fresh temporary directory; remove it with `removeTempDir`. */
export function makeTempDir(prefix = 'skiff-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
