// cgroup v2, proven on a host whose controllers live on v1.
//
// Most current hosts have only the unified (v2) hierarchy; this one mounts
// memory, pids and cpu as v1 hierarchies beside an empty cgroup2. To drive
// the runtime's v2 code path for real, each test runs the runtime in a
// private mount namespace where /sys/fs/cgroup is the cgroup2 filesystem and
// nothing else: the runtime must detect v2 from mountinfo, make the
// container's cgroup there, put the container in it, and remove it on
// delete. The controllers themselves stay on v1 (the kernel binds a
// controller to one hierarchy at a time), so a memory limit must be refused
// with a message naming the missing controller, and leave nothing behind.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runtimeCommand } from '../helpers/executables.ts';
import { makeBusyboxRootfs, makeTempDir, removeTempDir } from '../helpers/rootfs.ts';
import { newContainerId } from './helpers.ts';
import { readMountInfo } from './host.ts';

/** The cgroup2 mount of the host, if it has one (here /sys/fs/cgroup/unified). */
function hostCgroup2(): string | undefined {
  return readMountInfo().find((m) => m.fsType === 'cgroup2')?.mountPoint;
}

/** Whether this host's cgroup2 offers the hugetlb controller with 2 MB pages. */
function hugetlbOnV2(): boolean {
  const v2 = hostCgroup2();
  return v2 !== undefined && readFileSync(join(v2, 'cgroup.controllers'), 'utf8').split(/\s+/).includes('hugetlb') && existsSync('/sys/kernel/mm/hugepages/hugepages-2048kB');
}

/** Runs `script` with bash in a private mount namespace whose /sys/fs/cgroup is cgroup2 alone. */
function onlyV2(script: string): { status: number | null; stdout: string; stderr: string } {
  const prelude = 'set -e; umount -l /sys/fs/cgroup; mount -t cgroup2 none /sys/fs/cgroup; set +e\n';
  const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'bash', '-c', prelude + script], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cgroup v2', () => {
  let work: string;
  let runtime: string;
  const v2 = hostCgroup2();

  before(() => {
    work = makeTempDir('skiff-cgv2-');
    makeBusyboxRootfs(join(work, 'rootfs'));
    runtime = `${runtimeCommand().join(' ')} --root ${join(work, 'state')}`;
  });

  after(() => removeTempDir(work));

  it('the host has a cgroup2 hierarchy to test with', () => {
    assert.ok(v2, 'no cgroup2 mount in /proc/self/mountinfo');
  });

  it('a container is placed in a v2 cgroup of its own, removed on delete', () => {
    const id = newContainerId('v2');
    const bundle = join(work, 'bundle');
    const r = onlyV2(`
      mkdir -p ${bundle}
      ${runtime} spec -b ${bundle} --rootfs ${join(work, 'rootfs')} -- sleep 1000 || exit 90
      ${runtime} create ${id} -b ${bundle} || exit 91
      pid=$(${runtime} state ${id} | grep -o '"pid": *[0-9]*' | grep -o '[0-9]*$')
      echo "host-view $(grep '^0::' /proc/$pid/cgroup)"
      echo "procs $(cat /sys/fs/cgroup/skiff/${id}/cgroup.procs | tr '\\n' ' ')pid=$pid"
      ${runtime} start ${id}
      ${runtime} delete --force ${id} || exit 92
      test -e /sys/fs/cgroup/skiff/${id} && echo "left behind" || echo "removed"
    `);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^host-view 0::/skiff/${id}$`, 'm'), 'the container is in its v2 cgroup');
    const procs = /^procs (.*)pid=(\d+)$/m.exec(r.stdout);
    assert.ok(procs, r.stdout);
    assert.deepEqual(procs[1]!.trim().split(' '), [procs[2]], 'the cgroup holds exactly the container init');
    assert.match(r.stdout, /^removed$/m);
    assert.ok(!existsSync(join(v2!, 'skiff', id)), 'no cgroup left in the host hierarchy');
  });

  it('a limit whose controller v2 lacks here is refused, naming the controller, with nothing left', () => {
    const r = onlyV2(`
      ${runtime} run --rootfs ${join(work, 'rootfs')} --memory 10000000 -- true
      echo "exit=$?"
      ls /sys/fs/cgroup/skiff 2>/dev/null | wc -l
    `);
    assert.match(r.stdout, /^exit=1$/m);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /memory/);
    assert.match(r.stdout, /^0$/m, 'no container cgroup left');
    const state = join(work, 'state');
    assert.deepEqual(existsSync(state) ? readdirSync(state) : [], [], 'no container state left');
  });

  // Fields v2 has no file for (swappiness, disableOOMKiller), and cpuset and
  // memory files this host's v2 lacks: each refused with one line naming the field.
  for (const [field, resources] of [
    ['linux.resources.memory.swappiness', { memory: { swappiness: 10 } }],
    ['linux.resources.memory.disableOOMKiller', { memory: { disableOOMKiller: true } }],
    ['linux.resources.memory.reservation', { memory: { reservation: 1 << 20 } }],
    ['linux.resources.cpu.cpus', { cpu: { cpus: '0' } }],
    ['linux.resources.blockIO', { blockIO: { weight: 500 } }],
    ['linux.resources.network.classID', { network: { classID: 0x100001 } }],
  ] as const) {
    it(`${field} is refused on v2 here, naming the field, with nothing left`, () => {
      const bundle = join(work, `bundle-${field.split('.').pop()}`);
      const r = onlyV2(`
        mkdir -p ${bundle}
        ${runtime} spec -b ${bundle} --rootfs ${join(work, 'rootfs')} -- true || exit 90
        sed -i 's/"resources": {/"resources": {${JSON.stringify(resources).slice(1, -1).replace(/"/g, '\\"')},/' ${bundle}/config.json
        ${runtime} run ${newContainerId('v2f')} -b ${bundle}
        echo "exit=$?"
        ls /sys/fs/cgroup/skiff 2>/dev/null | wc -l
      `);
      assert.match(r.stdout, /^exit=1$/m, r.stderr);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.ok(lines[0]!.includes(`config.json: ${field}:`), r.stderr);
      assert.match(r.stdout, /^0$/m, 'no container cgroup left');
    });
  }

  // hugetlb is the one controller this host left to v2: a limit is written
  // to hugetlb.<size>.max of the container's cgroup (cgroup-v2.rst, "HugeTLB").
  it('a hugepage limit is written to the container\'s v2 cgroup', () => {
    const bundle = join(work, 'bundle-hugetlb');
    const id = newContainerId('v2h');
    const resources = JSON.stringify({ hugepageLimits: [{ pageSize: '2MB', limit: 4 << 20 }] }).slice(1, -1).replace(/"/g, '\\"');
    const r = onlyV2(`
      grep -qw hugetlb /sys/fs/cgroup/cgroup.controllers || { echo "no hugetlb on v2"; exit 0; }
      mkdir -p ${bundle}
      ${runtime} spec -b ${bundle} --rootfs ${join(work, 'rootfs')} -- sleep 1000 || exit 90
      sed -i 's/"resources": {/"resources": {${resources},/' ${bundle}/config.json
      ${runtime} create ${id} -b ${bundle} || exit 91
      echo "max $(cat /sys/fs/cgroup/skiff/${id}/hugetlb.2MB.max)"
      ${runtime} delete --force ${id} || exit 92
    `);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, hugetlbOnV2() ? new RegExp(`^max ${4 << 20}$`, 'm') : /^no hugetlb on v2$/m);
  });
});
