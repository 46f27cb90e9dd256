// Limits bite: linux.resources in config.json become cgroup limits the kernel
// enforces. A memory hog is killed by the OOM killer of its cgroup, a fork
// bomb runs into the pids limit, and the host never notices either.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { Lab } from './helpers.ts';
import { cgroupDirFor, isAlive, ownCgroupDirsOf, readCgroupValue } from './host.ts';

const MiB = 1024 * 1024;

/** busybox dd reads a whole block into one buffer: bs= is how much memory it touches at once. */
const touchMemory = (mib: number): string[] => ['dd', 'if=/dev/zero', 'of=/dev/null', `bs=${mib}M`, 'count=1'];

describe('a memory limit', () => {
  const lab = new Lab('limits-memory');
  after(() => lab.close());

  it('lets a program live within it', () => {
    const bundle = lab.bundle(touchMemory(16), (spec) => {
      spec.linux.resources = { ...spec.linux.resources, memory: { limit: 128 * MiB } };
    });
    const r = lab.runtime(['run', lab.newId('mem-ok'), '--bundle', bundle.dir]);
    assert.equal(r.code, 0, `dd of 16 MiB under a 128 MiB limit exits 0: ${r.stderr}`);
  });

  it('OOM-kills a program that goes over it: exit 137 (128 + SIGKILL)', () => {
    const bundle = lab.bundle(touchMemory(64), (spec) => {
      spec.linux.resources = { ...spec.linux.resources, memory: { limit: 32 * MiB } };
    });
    const r = lab.runtime(['run', lab.newId('mem-oom'), '--bundle', bundle.dir]);
    assert.equal(r.code, 137, `dd of 64 MiB under a 32 MiB limit is killed: code=${r.code} signal=${r.signal} stderr=${r.stderr}`);
  });
});

describe('a pids limit', () => {
  const lab = new Lab('limits-pids');
  after(() => lab.close());

  it('contains a fork bomb, and the host stays responsive', async () => {
    const limit = 32;
    const id = lab.newId('forkbomb');
    // The classic bomb, started in a background subshell (PID 1 forks once,
    // before the limit is reached); then PID 1 becomes a sleep (exec needs no
    // fork) so that the container lives on while the bomb runs.
    const bundle = lab.bundle(['sh', '-c', 'bomb() { bomb | bomb & }; (bomb) & exec sleep 1000'], (spec) => {
      spec.linux.resources = { ...spec.linux.resources, pids: { limit } };
    });
    const pid = lab.startDetached(id, bundle);
    const pids = cgroupDirFor(pid, 'pids');
    assert.equal(readCgroupValue(pids, 'pids.max'), String(limit));

    // Wait (bounded) until the kernel has refused a fork: pids.events counts them.
    const refusals = () => Number(readCgroupValue(pids, 'pids.events').match(/max (\d+)/)![1]);
    for (const deadline = Date.now() + 20_000; refusals() === 0 && Date.now() < deadline; ) await sleep(50);
    assert.ok(refusals() > 0, 'the bomb ran into the limit (pids.events max > 0)');

    const current = Number(readCgroupValue(pids, 'pids.current'));
    assert.ok(current <= limit, `never more than ${limit} tasks in the cgroup (pids.current = ${current})`);
    const tasks = readFileSync(join(pids, existsSync(join(pids, 'tasks')) ? 'tasks' : 'cgroup.threads'), 'utf8').split('\n').filter(Boolean);
    assert.ok(tasks.length <= limit, `${tasks.length} tasks listed`);

    // The host forks freely meanwhile.
    for (let i = 0; i < 5; i++) {
      const r = spawnSync('/bin/sh', ['-c', 'echo $$'], { encoding: 'utf8' });
      assert.equal(r.status, 0);
      assert.match(r.stdout, /^\d+\n$/);
    }
    assert.ok(isAlive(pid), `the container is still up (${lab.state(id).status}); its stderr ends with: ${lab.output(id).stderr.slice(-200)}`);

    // Killing PID 1 takes the whole PID namespace with it; delete removes the cgroup.
    const cgroups = ownCgroupDirsOf(pid);
    assert.equal(lab.runtime(['kill', id, 'KILL']).code, 0);
    await lab.waitForStatus(id, 'stopped');
    const deleted = lab.runtime(['delete', id]);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.deepEqual(cgroups.filter(existsSync), [], 'its cgroups are gone');
    assert.equal(isAlive(pid), false);
  });
});

describe('a cpu quota', () => {
  const lab = new Lab('limits-cpu');
  after(() => lab.close());

  it('throttles a busy loop', async () => {
    const id = lab.newId('cpu');
    const bundle = lab.bundle(['sh', '-c', 'while :; do :; done'], (spec) => {
      // 10 ms of CPU time every 100 ms period (cgroup v1 cpu.cfs_quota_us / v2 cpu.max).
      spec.linux.resources = { ...spec.linux.resources, cpu: { quota: 10_000, period: 100_000, shares: 512 } };
    });
    const pid = lab.startDetached(id, bundle);
    const cpu = cgroupDirFor(pid, 'cpu');
    const v2 = existsSync(join(cpu, 'cpu.max'));
    if (v2) {
      assert.equal(readCgroupValue(cpu, 'cpu.max'), '10000 100000');
    } else {
      assert.equal(readCgroupValue(cpu, 'cpu.cfs_quota_us'), '10000');
      assert.equal(readCgroupValue(cpu, 'cpu.cfs_period_us'), '100000');
      assert.equal(readCgroupValue(cpu, 'cpu.shares'), '512');
    }
    // The kernel counts the periods in which it stopped the group (cpu.stat nr_throttled).
    const throttled = () => Number(readCgroupValue(cpu, 'cpu.stat').match(/nr_throttled (\d+)/)![1]);
    for (const deadline = Date.now() + 20_000; throttled() === 0 && Date.now() < deadline; ) await sleep(50);
    assert.ok(throttled() > 0, 'the busy loop was throttled');
    assert.equal(lab.runtime(['delete', '--force', id]).code, 0);
  });
});
