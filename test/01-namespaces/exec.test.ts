// A detached container through its whole life (create → start → exec → kill
// → delete), and exec: a new process that joins a running container's
// namespaces and cgroup, seen from inside (what it sees) and from outside
// (where the kernel says it is).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { Lab, type Bundle, type ContainerId, type OciState } from './helpers.ts';
import { cgroupDirFor, cgroupDirsOf, isAlive, NAMESPACE_KINDS, namespaceOf, ownCgroupDirsOf, processesInNamespace, readCgroupValue } from './host.ts';

const MiB = 1024 * 1024;

describe('a detached container, and exec into it', () => {
  const lab = new Lab('exec');
  const hostname = `exec-${randomBytes(3).toString('hex')}`;
  const marker = randomBytes(8).toString('hex');
  const pidsLimit = 16;
  let id: ContainerId;
  let bundle: Bundle;
  let pid: number;
  let created: OciState;
  let outputBeforeStart: string;
  let running: OciState;

  before(async () => {
    id = lab.newId('exec');
    bundle = lab.bundle(['sh', '-c', 'echo started; exec sleep 1000'], (spec) => {
      spec.hostname = hostname;
      spec.linux.resources = { ...spec.linux.resources, pids: { limit: pidsLimit }, memory: { limit: 64 * MiB } };
    });
    writeFileSync(join(bundle.rootfs, 'marker'), marker);

    const pidFile = join(lab.dir, 'container.pid');
    const c = lab.runtimeDetached(['create', id, '--bundle', bundle.dir, '--pid-file', pidFile], id);
    assert.equal(c.code, 0, `create: ${c.stderr}`);
    created = lab.state(id);
    outputBeforeStart = lab.output(id).stdout;
    const s = lab.runtime(['start', id]);
    assert.equal(s.code, 0, `start: ${s.stderr}`);
    running = lab.state(id);
    pid = running.pid!;
  });

  after(() => lab.close());

  it('is created, with its process waiting and the program not yet run', () => {
    assert.equal(created.id, id);
    assert.equal(created.status, 'created');
    assert.equal(created.bundle, bundle.dir);
    assert.ok(typeof created.ociVersion === 'string' && created.ociVersion.length > 0);
    assert.ok(created.pid && created.pid > 0 && isAlive(created.pid), `created has a live pid: ${JSON.stringify(created)}`);
    assert.equal(outputBeforeStart, '', 'the program has printed nothing before start');
  });

  it('runs the program after start', async () => {
    assert.equal(running.status, 'running');
    assert.equal(running.pid, created.pid, 'the same process goes on to become the program');
    for (const deadline = Date.now() + 20_000; !lab.output(id).stdout.includes('started') && Date.now() < deadline; ) await sleep(20);
    assert.equal(lab.output(id).stdout, 'started\n');
  });

  it('is listed', () => {
    const r = lab.runtime(['list']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^${id}\\b.*\\brunning\\b`, 'm'));
  });

  it("exec sees the container's processes and not the host's", () => {
    const r = lab.runtime(lab.execArgs(id, ['sh', '-c', `echo "self=$$"; echo "init=$(tr '\\0' ' ' < /proc/1/cmdline)"; test -e /proc/${process.pid} && echo host-visible; ls /proc | grep -c '^[0-9]'`]));
    assert.equal(r.code, 0, r.stderr);
    const [self, init, count] = r.stdout.trim().split('\n');
    assert.match(self, /^self=\d+$/);
    assert.notEqual(self, 'self=1', 'the exec process is not PID 1');
    assert.equal(init, 'init=sleep 1000 ', "PID 1 is the container's program");
    // sh, ls and grep (and nothing of the host): a handful, not the hundreds of the host
    assert.ok(Number(count) >= 2 && Number(count) <= 6, `processes seen: ${count}`);
  });

  it("exec sees the container's hostname and root filesystem", () => {
    const r = lab.runtime(lab.execArgs(id, ['sh', '-c', 'hostname; cat /marker']));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${hostname}\n${marker}`);
  });

  it('exec passes env and cwd', () => {
    const r = lab.runtime(lab.execArgs(id, ['sh', '-c', 'echo "$GREETING"; pwd'], ['-e', 'GREETING=hello there', '--cwd', '/etc']));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hello there\n/etc\n');
  });

  it("exec returns the program's exit code", () => {
    assert.equal(lab.runtime(lab.execArgs(id, ['sh', '-c', 'exit 7'])).code, 7);
    assert.equal(lab.runtime(lab.execArgs(id, ['true'])).code, 0);
  });

  it("an exec'd process is in every namespace and cgroup of the container (seen from the host)", async () => {
    const containerPidNs = namespaceOf(pid, 'pid');
    const bg = lab.spawn(lab.execArgs(id, ['sleep', '1000']));
    try {
      let joined: number[] = [];
      for (const deadline = Date.now() + 20_000; Date.now() < deadline; await sleep(20)) {
        joined = processesInNamespace('pid', containerPidNs).filter((p) => p !== pid && isAlive(p));
        if (joined.length > 0 && readCmdline(joined[0]) === 'sleep 1000') break;
      }
      assert.equal(joined.length, 1, `one process joined the container's PID namespace: ${joined}`);
      const execPid = joined[0];
      for (const kind of NAMESPACE_KINDS) assert.equal(namespaceOf(execPid, kind), namespaceOf(pid, kind), `same ${kind} namespace`);
      assert.deepEqual(cgroupDirsOf(execPid).filter((d) => ownCgroupDirsOf(pid).includes(d)).sort(), ownCgroupDirsOf(pid).sort(), 'in all the cgroups made for the container');
      process.kill(execPid, 'SIGKILL');
      const r = await bg.done;
      assert.equal(r.code, 137, `exec reports 128 + SIGKILL: ${r.stderr}`);
    } finally {
      bg.child.kill('SIGKILL');
    }
  });

  it('exec is bound by the limits of the container', () => {
    const pids = cgroupDirFor(pid, 'pids');
    assert.equal(readCgroupValue(pids, 'pids.max'), String(pidsLimit));
    assert.equal(readCgroupValue(cgroupDirFor(pid, 'memory'), 'memory.limit_in_bytes', 'memory.max'), String(64 * MiB));
    // Inside, its cgroups are those of PID 1.
    const cg = lab.runtime(lab.execArgs(id, ['sh', '-c', 'cat /proc/self/cgroup; echo --; cat /proc/1/cgroup']));
    const [self, init] = cg.stdout.split('--\n');
    assert.equal(self, init);
    // Start background sleeps until fork fails: the container's one process,
    // the shell and the sleeps never exceed the limit.
    const r = lab.runtime(lab.execArgs(id, ['sh', '-c', 'i=0; while [ $i -lt 50 ]; do sleep 100 >/dev/null 2>&1 & i=$((i+1)); echo $i; done']));
    const started = Number(r.stdout.trim().split('\n').at(-1));
    assert.notEqual(r.code, 0, 'the shell gave up when fork failed');
    assert.match(r.stderr, /can't fork/);
    assert.ok(started >= 1 && started <= pidsLimit - 2, `${started} sleeps started under pids.max=${pidsLimit}`);
  });

  it('stops when killed, and is gone once deleted', async () => {
    const cgroups = ownCgroupDirsOf(pid);
    assert.ok(cgroups.length > 0);
    const k = lab.runtime(['kill', id, 'KILL']);
    assert.equal(k.code, 0, k.stderr);
    const stopped = await lab.waitForStatus(id, 'stopped');
    assert.equal(stopped.id, id);
    assert.equal(isAlive(pid), false);

    const d = lab.runtime(['delete', id]);
    assert.equal(d.code, 0, d.stderr);
    const s = lab.runtime(['state', id]);
    assert.notEqual(s.code, 0, 'state of a deleted container fails');
    assert.doesNotMatch(lab.runtime(['list']).stdout, new RegExp(id));
    assert.deepEqual(cgroups.filter(existsSync), [], 'cgroups removed');
    assert.deepEqual(lab.stateEntries(), [], 'state removed');
  });
});

function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return '';
  }
}
