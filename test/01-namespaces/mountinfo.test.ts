// Chapter 01's reader of /proc/PID/mountinfo (chapters/01-namespaces/mountinfo.ts),
// which every chapter and these tests use, against what the kernel writes:
// paths with spaces, tabs and backslashes come back as they were mounted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readMountInfo } from '../../chapters/01-namespaces/mountinfo.ts';
import { makeTempDir, removeTempDir } from '../helpers/rootfs.ts';

test('mount points, roots and sources come back decoded, as they were mounted', (t) => {
  const dir = makeTempDir('skiff-mountinfo-');
  const disk = join(dir, 'my disk\twith\\odd names');
  const bound = join(dir, 'bound here');
  mkdirSync(disk);
  mkdirSync(bound);
  const mounted: string[] = [];
  t.after(() => {
    for (const target of mounted.reverse()) execFileSync('umount', [target]);
    removeTempDir(dir);
  });
  execFileSync('mount', ['-t', 'tmpfs', 'a source, with a comma', disk]);
  mounted.push(disk);
  mkdirSync(join(disk, 'sub dir'));
  execFileSync('mount', ['--bind', join(disk, 'sub dir'), bound]);
  mounted.push(bound);

  const mounts = readMountInfo();
  const tmpfs = mounts.find((m) => m.mountPoint === disk);
  assert.ok(tmpfs, `no mount at ${JSON.stringify(disk)} among ${mounts.length}`);
  assert.equal(tmpfs.fsType, 'tmpfs');
  assert.equal(tmpfs.source, 'a source, with a comma');
  assert.equal(tmpfs.root, '/');
  const bind = mounts.find((m) => m.mountPoint === bound);
  assert.ok(bind);
  assert.equal(bind.root, '/sub dir', 'a bind mount of a subdirectory shows it as its root');
  assert.ok(readMountInfo(process.pid).some((m) => m.mountPoint === bound), 'the same table, read by pid');
});
