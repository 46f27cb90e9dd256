// A cgroup hierarchy that shows up twice in mountinfo counts once.
//
// A container run without a mount namespace of its own mounts its cgroups in
// the host's namespace, and an administrator can bind-mount a subtree of a
// hierarchy anywhere: either way mountinfo lists the hierarchy a second time,
// later than the real one. The runtime must keep making cgroups in the first
// (oldest) mount only. Each test runs in a private mount namespace, so the
// second mount never reaches the host.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { runtimeCommand } from '../helpers/executables.ts';
import { makeBusyboxRootfs, makeTempDir, removeTempDir } from '../helpers/rootfs.ts';
import { readMountInfo } from './host.ts';

const pidsMount = readMountInfo().find((m) => m.fsType === 'cgroup' && m.superOptions.includes('pids'))?.mountPoint;
let work: string;
let subtree: string;

before(() => {
  work = makeTempDir('skiff-cgtwice-');
  makeBusyboxRootfs(join(work, 'rootfs'));
  assert.ok(pidsMount, 'this host mounts the pids controller as a v1 hierarchy');
  subtree = join(pidsMount, `skiff-test-subtree-${process.pid}`);
  mkdirSync(subtree);
});

after(() => {
  if (subtree && existsSync(subtree)) rmdirSync(subtree);
  removeTempDir(work);
});

test('a subtree of the pids hierarchy bind-mounted later does not take the place of the hierarchy', () => {
  const again = join(work, 'again');
  const marker = `2.${process.pid}`; // a sleep no other process runs
  const runtime = `${runtimeCommand().join(' ')} --root ${join(work, 'state')}`;
  const script = [
    `set -e; mkdir ${again}; mount --bind ${subtree} ${again}; set +e`,
    `${runtime} run --rootfs ${join(work, 'rootfs')} --pids-limit 7 -- sleep ${marker} & sleep 1`,
    // Seen from outside: the container's namespace shows its own cgroup as /.
    `grep pids /proc/$(pgrep -f '^sleep ${marker}$')/cgroup; wait $!`,
  ].join('\n');
  const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'bash', '-c', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  // The container's pids cgroup is under the real hierarchy's root, not under the subtree.
  const path = r.stdout.trim().split(':')[2] ?? '';
  assert.match(path, /^\/skiff\//, r.stdout + r.stderr);
});
