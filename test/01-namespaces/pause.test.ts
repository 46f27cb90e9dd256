// pause and resume: the freezer cgroup stops every process of a container
// where it stands, without a signal it could see, and lets it go on later.
// A counter loop in the container writes its count into its /dev/shm, where
// the test reads it from the host through /proc/PID/root: frozen, the count
// stands still.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { Lab } from './helpers.ts';
import { cgroupDirsOf, isAlive } from './host.ts';

/** Counts forever, publishing each number atomically (write, then rename) in /dev/shm/count. */
const COUNTER = 'i=0; while :; do i=$((i+1)); echo $i > /dev/shm/count.new; mv /dev/shm/count.new /dev/shm/count; sleep 0.02; done';

/** Whether the kernel says the container's cgroup is frozen: freezer.state on v1, cgroup.events on v2. */
function frozenOnHost(pid: number): boolean {
  const dirs = cgroupDirsOf(pid);
  const v1 = dirs.find((dir) => existsSync(join(dir, 'freezer.state')));
  if (v1) return readFileSync(join(v1, 'freezer.state'), 'utf8').trim() === 'FROZEN';
  const v2 = dirs.find((dir) => existsSync(join(dir, 'cgroup.freeze')));
  if (v2) return /^frozen 1$/m.test(readFileSync(join(v2, 'cgroup.events'), 'utf8'));
  throw new Error(`process ${pid} is in no cgroup with a freezer`);
}

describe('pause and resume', () => {
  const lab = new Lab('pause');
  after(() => lab.close());

  it('stops a counting container where it stands, then lets it go on', async () => {
    const id = lab.newId('pause');
    const bundle = lab.bundle(['sh', '-c', COUNTER]);
    const pid = lab.startDetached(id, bundle);
    const file = `/proc/${pid}/root/dev/shm/count`;
    const count = () => (existsSync(file) ? Number(readFileSync(file, 'utf8')) : 0);
    const advances = async () => {
      const from = count();
      for (const deadline = Date.now() + 20_000; Date.now() < deadline; await sleep(20)) if (count() > from) return true;
      return false;
    };
    assert.ok(await advances(), 'the counter runs');

    const paused = lab.runtime(['pause', id]);
    assert.equal(paused.code, 0, paused.stderr);
    assert.equal(lab.state(id).status, 'paused');
    assert.ok(frozenOnHost(pid), 'the kernel reports the cgroup frozen');
    const frozenAt = count();
    await sleep(500); // 25 turns of the loop, had it been running
    assert.equal(count(), frozenAt, 'the count stands still while paused');
    assert.ok(isAlive(pid), 'paused, not dead');

    const resumed = lab.runtime(['resume', id]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(lab.state(id).status, 'running');
    assert.equal(frozenOnHost(pid), false);
    assert.ok(await advances(), 'the counter goes on from where it stopped');
    assert.ok(count() > frozenAt);

    // Only a running container can be paused, only a paused one resumed.
    assert.notEqual(lab.runtime(['resume', id]).code, 0);
    assert.equal(lab.runtime(['pause', id]).code, 0);
    assert.notEqual(lab.runtime(['pause', id]).code, 0);

    // delete --force of a paused container thaws it so that it can die.
    const deleted = lab.runtime(['delete', '--force', id]);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal(isAlive(pid), false);
  });
});
