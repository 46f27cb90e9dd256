// Many clients at once, and programs that cannot run: skiffd's state stays
// whole. 50 create/start/remove sequences race over the API; afterwards
// every container the daemon lists is fully there (record, directory,
// layer) and every other is fully gone (no directory, no mount, no
// cgroup, no shim). A container whose program does not exist fails its
// start and leaves the daemon serving.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startSkiffd, type Skiffd } from '../helpers/skiffd.ts';
import { call, importBusybox } from './fixtures.ts';

let d: Skiffd;
const json = { 'Content-Type': 'application/json' };

before(async () => {
  d = await startSkiffd();
  importBusybox(d);
});
after(() => d?.stop());

/** Container directories on disk, by id. */
const onDisk = () => readdirSync(join(d.dir, 'data/containers')).filter((n) => /^[0-9a-f]{64}$/.test(n)).sort();
const mounted = (id: string) => readFileSync('/proc/self/mountinfo', 'utf8').includes(id);
const cgroupOf = (id: string) => existsSync(`/sys/fs/cgroup/memory/skiff/${id}`) || existsSync(`/sys/fs/cgroup/pids/skiff/${id}`) || existsSync(`/sys/fs/cgroup/skiff/${id}`);

test('50 concurrent create/start/remove sequences leave every container fully there or fully gone', async () => {
  const sequences = Array.from({ length: 50 }, async (_, i) => {
    const created = await call(d, 'POST', `/v1.50/containers/create?name=race${i}`, JSON.stringify({ Image: 'busybox', Cmd: ['sleep', '30'] }), json);
    assert.equal(created.status, 201, created.body);
    const { Id } = JSON.parse(created.body) as { Id: string };
    const started = await call(d, 'POST', `/v1.50/containers/${Id}/start`);
    assert.equal(started.status, 204, started.body);
    // Every other container is removed (forced, while running), racing with the starts of the rest.
    if (i % 2 === 0) {
      const removed = await call(d, 'DELETE', `/v1.50/containers/${Id}?force=1`);
      assert.equal(removed.status, 204, removed.body);
    }
    return Id;
  });
  const ids = await Promise.all(sequences);
  const listed = JSON.parse((await call(d, 'GET', '/v1.50/containers/json?all=1')).body) as { Id: string; State: string; Names: string[] }[];
  const kept = ids.filter((_, i) => i % 2 === 1).sort();
  const gone = ids.filter((_, i) => i % 2 === 0);
  assert.deepEqual(listed.map((c) => c.Id).sort(), kept);
  assert.ok(listed.every((c) => c.State === 'running'), 'the kept ones all run');
  assert.deepEqual(onDisk(), kept, 'a directory for each kept container, none for the removed');
  for (const id of gone) {
    assert.equal(mounted(id), false, `${id}: no mount left`);
    assert.equal(cgroupOf(id), false, `${id}: no cgroup left`);
    assert.equal(existsSync(join(d.dir, 'exec/shims', id, 'shim.sock')), false, `${id}: no shim left`);
    assert.equal((await call(d, 'GET', `/v1.50/containers/${id}/json`)).status, 404);
  }
  for (const id of kept) {
    const record = JSON.parse(readFileSync(join(d.dir, 'data/containers', id, 'config.v2.json'), 'utf8'));
    assert.equal(record.State.Running, true);
    assert.ok(mounted(id), `${id}: its root is mounted`);
  }
  // And the names of the removed ones are free again.
  const again = await call(d, 'POST', '/v1.50/containers/create?name=race0', JSON.stringify({ Image: 'busybox', Cmd: ['true'] }), json);
  assert.equal(again.status, 201);
  const all = await Promise.all(kept.map((id) => call(d, 'DELETE', `/v1.50/containers/${id}?force=1`)));
  assert.ok(all.every((r) => r.status === 204));
});

test('a program that does not exist fails its start with 127\'s words, and the daemon keeps serving', async () => {
  const created = await call(d, 'POST', '/v1.50/containers/create?name=ghost', JSON.stringify({ Image: 'busybox', Cmd: ['/no/such/program'] }), json);
  assert.equal(created.status, 201);
  const { Id } = JSON.parse(created.body);
  const started = await call(d, 'POST', `/v1.50/containers/${Id}/start`);
  assert.equal(started.status, 400);
  assert.equal(started.headers['content-type'], 'application/json');
  assert.match(JSON.parse(started.body).message, /no such file or directory/);
  const state = JSON.parse((await call(d, 'GET', `/containers/${Id}/json`)).body).State;
  assert.equal(state.Status, 'created');
  assert.equal(state.ExitCode, 127);
  // The daemon serves on, and runs the next container as if nothing happened.
  assert.equal((await call(d, 'GET', '/_ping')).body, 'OK');
  assert.equal(d.docker(['run', '--rm', 'busybox', 'echo', 'still here']).stdout, 'still here\n');
  assert.equal((await call(d, 'DELETE', `/containers/${Id}`)).status, 204);
});
