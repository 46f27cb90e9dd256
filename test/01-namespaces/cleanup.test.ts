// Nothing leaks. Whatever way a container ends (deleted, force-deleted, its
// program exiting, crashing or killed from outside, even the runtime itself
// killed), once it is gone the host holds none of it: no mount, no cgroup, no
// process in its namespaces, no namespace pinned by a bind mount, no state.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Lab, type Bundle, type ContainerId } from './helpers.ts';
import { cgroupDirsNamed, hostMountsUnder, isAlive, readMountInfo, NAMESPACE_KINDS, namespaceOf, ownCgroupDirsOf, processesInNamespace, type NamespaceKind } from './host.ts';

/** What the host holds of a running container: its namespaces and the cgroups made for it. */
interface Footprint {
  id: ContainerId;
  bundle: Bundle;
  pid: number;
  namespaces: { kind: NamespaceKind; ns: string }[];
  cgroups: string[];
}

function footprint(lab: Lab, id: ContainerId, bundle: Bundle, pid: number): Footprint {
  const namespaces = NAMESPACE_KINDS.map((kind) => ({ kind, ns: namespaceOf(pid, kind) })).filter(({ kind, ns }) => ns !== namespaceOf('self', kind));
  const cgroups = ownCgroupDirsOf(pid);
  assert.ok(namespaces.length > 0 && cgroups.length > 0, `the container has namespaces and cgroups of its own: ${JSON.stringify({ namespaces, cgroups })}`);
  assert.ok(lab.stateEntries().length > 0, 'and state');
  return { id, bundle, pid, namespaces, cgroups };
}

async function assertNothingLeft(lab: Lab, f: Footprint): Promise<void> {
  // The kernel tears a PID namespace down as its init exits; give it a moment (bounded).
  for (const deadline = Date.now() + 10_000; isAlive(f.pid) && Date.now() < deadline; ) await sleep(20);
  assert.equal(isAlive(f.pid), false, 'the container process is gone');
  // The rest of a PID namespace is SIGKILLed as its init dies, but a loaded host
  // may take a moment to finish those exits; wait for them too (bounded).
  const left = (kind: NamespaceKind, ns: string) => processesInNamespace(kind, ns).filter(isAlive);
  for (const deadline = Date.now() + 10_000; f.namespaces.some(({ kind, ns }) => left(kind, ns).length > 0) && Date.now() < deadline; ) await sleep(20);
  for (const { kind, ns } of f.namespaces) {
    assert.deepEqual(left(kind, ns), [], `no process left in its ${kind} namespace`);
  }
  const pinned = readMountInfo().filter((m) => m.fsType === 'nsfs' && f.namespaces.some(({ ns }) => m.root.includes(ns.slice(ns.indexOf('[')))));
  assert.deepEqual(pinned, [], 'no namespace of it pinned by a bind mount');
  assert.deepEqual(hostMountsUnder(f.bundle.dir), [], 'no mount under its bundle');
  assert.deepEqual(hostMountsUnder(lab.stateRoot), [], 'no mount under the state root');
  assert.deepEqual(f.cgroups.filter(existsSync), [], 'its cgroups are removed');
  assert.deepEqual(cgroupDirsNamed(f.id), [], 'no cgroup named after it anywhere');
  assert.deepEqual(lab.stateEntries(), [], 'no state left');
  assert.notEqual(lab.runtime(['state', f.id]).code, 0, 'the runtime no longer knows it');
}

describe('nothing of a container outlives it', () => {
  const lab = new Lab('cleanup');
  after(() => lab.close());

  it('after kill and delete of a detached container', async () => {
    const id = lab.newId('del');
    const bundle = lab.bundle(['sleep', '1000']);
    const f = footprint(lab, id, bundle, lab.startDetached(id, bundle));
    assert.equal(lab.runtime(['kill', id, 'KILL']).code, 0);
    await lab.waitForStatus(id, 'stopped');
    const d = lab.runtime(['delete', id]);
    assert.equal(d.code, 0, d.stderr);
    await assertNothingLeft(lab, f);
  });

  it('after delete --force of a running container with children', async () => {
    const id = lab.newId('force');
    const bundle = lab.bundle(['sh', '-c', 'sleep 1000 & sleep 1000 & exec sleep 1000']);
    const f = footprint(lab, id, bundle, lab.startDetached(id, bundle));
    const d = lab.runtime(['delete', '--force', id]);
    assert.equal(d.code, 0, d.stderr);
    await assertNothingLeft(lab, f);
  });

  it('after delete of a container that was created but never started', async () => {
    const id = lab.newId('unstarted');
    const bundle = lab.bundle(['sleep', '1000']);
    const created = lab.runtimeDetached(['create', id, '--bundle', bundle.dir], id);
    assert.equal(created.code, 0, created.stderr);
    const f = footprint(lab, id, bundle, lab.state(id).pid!);
    const d = lab.runtime(['delete', '--force', id]);
    assert.equal(d.code, 0, d.stderr);
    await assertNothingLeft(lab, f);
  });

  for (const ending of [
    { how: 'exits, leaving orphans behind', script: 'sleep 1000 & sleep 1000 & echo ready; read line; exit 4', code: 4 },
    { how: 'crashes (SIGSEGV: a stack overflow)', script: 'echo ready; read line; f() { f; }; f', code: 128 + 11 },
    { how: 'is killed -9 from the host', script: 'echo ready; exec sleep 1000', code: 128 + 9, killFromHost: true },
  ]) {
    it(`after a foreground run whose program ${ending.how}`, async () => {
      const id = lab.newId('fg');
      const bundle = lab.bundle(['sh', '-c', ending.script]);
      const running = lab.spawn(['run', id, '--bundle', bundle.dir], { stdin: true });
      await running.waitForLine(/^ready$/);
      const f = footprint(lab, id, bundle, lab.state(id).pid!);
      if (ending.killFromHost) process.kill(f.pid, 'SIGKILL');
      else running.child.stdin!.end('go\n');
      const r = await running.done;
      assert.equal(r.code, ending.code, `exit code: ${r.stderr}`);
      await assertNothingLeft(lab, f);
    });
  }

  it('after the runtime itself is killed -9 during a foreground run, delete --force cleans up', async () => {
    const id = lab.newId('orphan');
    const bundle = lab.bundle(['sh', '-c', 'echo ready; exec sleep 1000']);
    const running = lab.spawn(['run', id, '--bundle', bundle.dir]);
    await running.waitForLine(/^ready$/);
    const f = footprint(lab, id, bundle, lab.state(id).pid!);
    running.child.kill('SIGKILL');
    await running.exited; // the container still holds its stdout: do not wait for that to close
    const d = lab.runtime(['delete', '--force', id]);
    assert.equal(d.code, 0, d.stderr);
    await assertNothingLeft(lab, f);
  });
});
