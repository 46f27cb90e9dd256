// Images through skiffd, driven by the real docker CLI: import, images,
// build with the legacy builder, history, inspect, tag, rmi, save, load,
// prune, and their errors in dockerd's words. Every image operation goes
// through chapter 02's engine; these tests only see the wire.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startSkiffd, type Skiffd } from '../helpers/skiffd.ts';
import { busyboxTarball, call, context } from './fixtures.ts';

let d: Skiffd;
let busyboxId: string;
const build = (args: string[], opts: { allowFail?: boolean } = {}) =>
  d.docker(['build', ...args], opts);

before(async () => {
  process.env.DOCKER_BUILDKIT = '0';
  d = await startSkiffd();
  busyboxId = d.docker(['import', '-m', 'busybox from the host', busyboxTarball(d.dir), 'busybox:latest']).stdout.trim();
});
after(() => d?.stop());

test('import prints the new image id; images shows it in docker\'s table', () => {
  assert.match(busyboxId, /^sha256:[0-9a-f]{64}$/);
  const lines = d.docker(['images']).stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE$/);
  assert.match(lines.find((l) => l.startsWith('busybox '))!, new RegExp(`^busybox +latest +${busyboxId.slice(7, 19)} +.* ago +\\d+(\\.\\d+)?MB$`));
  assert.equal(d.docker(['history', '--format', '{{.Comment}}', 'busybox']).stdout.trim(), 'busybox from the host');
});

test('DOCKER_BUILDKIT=0 docker build prints the legacy steps, RUN output included, and tags the image', () => {
  const ctx = context(d.dir, 'ctx-build', { Dockerfile: 'FROM busybox\nARG WHO\nRUN echo "hello $WHO" && echo to-stderr >&2\nENV A=b\nCMD ["sh"]\n' });
  const r = build(['-t', 'built:1', '-t', 'built:also', '--build-arg', 'WHO=daemon', '--label', 'team=boats', ctx]);
  assert.match(r.stdout, /^Sending build context to Docker daemon +\d/m);
  const steps = r.stdout.split('\n').filter((l) => l.startsWith('Step '));
  assert.deepEqual(steps, [
    'Step 1/6 : FROM busybox', 'Step 2/6 : ARG WHO', 'Step 3/6 : RUN echo "hello $WHO" && echo to-stderr >&2',
    'Step 4/6 : ENV A=b', 'Step 5/6 : CMD ["sh"]', 'Step 6/6 : LABEL "team"="boats"',
  ]);
  assert.match(r.stdout, /---> Running in [0-9a-f]{12}\nhello daemon\nto-stderr\nRemoving intermediate container [0-9a-f]{12}\n/);
  const id = /Successfully built ([0-9a-f]{12})\n/.exec(r.stdout)?.[1];
  assert.ok(id, r.stdout);
  assert.match(r.stdout, /Successfully tagged built:1\nSuccessfully tagged built:also\n$/);
  const [image] = JSON.parse(d.docker(['image', 'inspect', 'built:1']).stdout);
  assert.equal(image.Id.slice(7, 19), id);
  assert.deepEqual(image.Config.Labels, { team: 'boats' });
  assert.deepEqual(image.Config.Cmd, ['sh']);
  assert.ok(image.Config.Env.includes('A=b'));
  assert.deepEqual(image.RepoTags.sort(), ['built:1', 'built:also']);
});

test('build -q prints only the image id; a rebuild comes from the cache', () => {
  const ctx = context(d.dir, 'ctx-quiet', { Dockerfile: 'FROM busybox\nRUN echo cached > /f\n' });
  const first = build(['-q', ctx]).stdout.trim();
  assert.match(first, /^sha256:[0-9a-f]{64}$/);
  const again = build([ctx]).stdout;
  assert.match(again, / ---> Using cache\n/);
  assert.match(again, new RegExp(`Successfully built ${first.slice(7, 19)}\\n`));
  assert.match(build(['--no-cache', ctx]).stdout, / ---> Running in /);
});

test('a failing RUN is reported after the steps and the build exits with its code; nothing is tagged', () => {
  const ctx = context(d.dir, 'ctx-fail', { Dockerfile: 'FROM busybox\nRUN echo before; exit 3\n' });
  const r = build(['-t', 'broken:1', ctx], { allowFail: true });
  assert.equal(r.status, 3, 'the errorDetail carries the RUN\'s exit code, which the CLI exits with');
  assert.match(r.stdout, /Step 2\/2 : RUN echo before; exit 3\n ---> Running in [0-9a-f]{12}\nbefore\n/);
  assert.match(r.stderr, /The command '\/bin\/sh -c echo before; exit 3' returned a non-zero code: 3/);
  assert.equal(d.docker(['images', '-q', 'broken']).stdout, '');
});

test('a missing Dockerfile, an unknown base image and a refused option are errors, and the daemon keeps serving', async () => {
  // The CLI looks for the Dockerfile itself; the daemon's own check is seen on the wire.
  const ctx = context(d.dir, 'ctx-empty', { 'README': 'no Dockerfile here\n' });
  const tar = spawnSync('tar', ['-C', ctx, '-cf', '-', '.']).stdout;
  // Nothing was streamed yet, so the failure is a plain error answer (moby's postBuild does the same).
  const missing = await call(d, 'POST', '/v1.50/build?dockerfile=Dockerfile', tar, { 'Content-Type': 'application/x-tar' });
  assert.equal(missing.status, 500);
  assert.equal(missing.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(missing.body), { message: 'Cannot locate specified Dockerfile: Dockerfile' });
  const base = context(d.dir, 'ctx-nobase', { Dockerfile: 'FROM nosuch:9\n' });
  const nobase = build([base], { allowFail: true });
  assert.equal(nobase.status, 1);
  assert.match(nobase.stderr, /nosuch/);
  const limited = build(['--memory', '64m', base], { allowFail: true });
  assert.equal(limited.status, 1);
  assert.equal(limited.stderr.split('\n').find((l) => l.startsWith('Error')), 'Error response from daemon: build option memory=67108864 is not supported by this daemon');
  assert.equal(d.docker(['version', '--format', '{{.Server.APIVersion}}']).stdout.trim(), '1.50');
});

test('history lists newest first with sizes; inspect falls through from containers to images', () => {
  const rows = d.docker(['history', '--format', '{{.ID}}|{{.CreatedBy}}|{{.Size}}', 'built:1']).stdout.trim().split('\n');
  assert.equal(rows.length, 6);
  assert.match(rows[0]!, /^[0-9a-f]{12}\|.*LABEL team=boats\|0B$/);
  assert.match(rows.at(-1)!, /^<missing>\|\|\d+(\.\d+)?MB$/);
  const inspected = JSON.parse(d.docker(['inspect', 'built:1']).stdout);
  assert.equal(inspected[0].RepoTags.length, 2);
  const none = d.docker(['inspect', 'nothing-by-this-name'], { allowFail: true });
  assert.equal(none.status, 1);
  assert.match(none.stderr, /^Error: No such object: nothing-by-this-name$/m);
});

test('tag a name with a registry and port in it; rmi untags, then deletes with the last name', async () => {
  d.docker(['tag', 'built:1', '127.0.0.1:5000/team/app:v1']);
  assert.match(d.docker(['images']).stdout, /^127\.0\.0\.1:5000\/team\/app +v1 /m);
  const tagged = await call(d, 'POST', '/v1.50/images/built:1/tag?repo=again&tag=2');
  assert.equal(tagged.status, 201);
  assert.equal(tagged.body, '');
  assert.equal(d.docker(['rmi', '127.0.0.1:5000/team/app:v1']).stdout, 'Untagged: 127.0.0.1:5000/team/app:v1\n');
  assert.equal(d.docker(['rmi', 'again:2']).stdout, 'Untagged: again:2\n');
  d.docker(['rmi', 'built:also']);
  const last = d.docker(['rmi', 'built:1']).stdout.split('\n');
  assert.equal(last[0], 'Untagged: built:1');
  assert.match(last[1]!, /^Deleted: sha256:[0-9a-f]{64}$/);
});

test('rmi and tag of unknown images are 404s in docker\'s words; a bad reference is a 400', async () => {
  const r = d.docker(['rmi', 'nosuch'], { allowFail: true });
  assert.equal(r.status, 1);
  assert.equal(r.stderr, 'Error response from daemon: No such image: nosuch:latest\n');
  const tag = await call(d, 'POST', '/v1.50/images/nosuch/tag?repo=x&tag=y');
  assert.equal(tag.status, 404);
  assert.equal(tag.headers['content-type'], 'application/json');
  assert.equal(JSON.parse(tag.body).message, 'No such image: nosuch:latest');
  const bad = await call(d, 'POST', '/v1.50/images/busybox/tag?repo=UPPER&tag=1');
  assert.equal(bad.status, 400);
  const history = await call(d, 'GET', '/images/nosuch/history');
  assert.equal(history.status, 404);
});

test('save writes a docker archive; rmi and load bring the image back with its name', () => {
  const ctx = context(d.dir, 'ctx-save', { Dockerfile: 'FROM busybox\nRUN echo saved > /saved\n' });
  build(['-t', 'saved:1', ctx]);
  const id = d.docker(['images', '-q', 'saved:1']).stdout.trim();
  const archive = join(d.dir, 'saved.tar');
  d.docker(['save', '-o', archive, 'saved:1']);
  assert.ok(existsSync(archive));
  d.docker(['rmi', 'saved:1']);
  assert.equal(d.docker(['images', '-q', 'saved']).stdout, '');
  assert.equal(d.docker(['load', '-i', archive]).stdout, 'Loaded image: saved:1\n');
  assert.equal(d.docker(['images', '-q', 'saved:1']).stdout.trim(), id);
  const missing = d.docker(['save', '-o', join(d.dir, 'none.tar'), 'nosuch:1'], { allowFail: true });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /No such image: nosuch:1/);
  const garbage = d.docker(['load'], { allowFail: true, input: 'this is not a tar archive at all' });
  assert.equal(garbage.status, 1);
  assert.match(garbage.stderr, /load failed/);
});

test('image prune removes dangling images; -a removes every unused one', () => {
  const ctx = context(d.dir, 'ctx-prune', { Dockerfile: 'FROM busybox\nRUN echo one > /v\n' });
  build(['-t', 'prune-me:1', ctx]);
  context(d.dir, 'ctx-prune', { Dockerfile: 'FROM busybox\nRUN echo two > /v\n' });
  build(['-t', 'prune-me:1', ctx]); // the first image loses its name: dangling
  const dangling = d.docker(['images', '-q', '--filter', 'dangling=true']).stdout.trim().split('\n').filter(Boolean);
  assert.ok(dangling.length >= 1);
  const out = d.docker(['image', 'prune', '-f']).stdout;
  assert.match(out, /^Deleted Images:\ndeleted: sha256:[0-9a-f]{64}\n/);
  assert.match(out, /Total reclaimed space: /);
  assert.equal(d.docker(['images', '-q', '--filter', 'dangling=true']).stdout, '');
  d.docker(['image', 'prune', '-af']);
  assert.equal(d.docker(['images', '-q']).stdout, '');
});

test('image events: import, tag, untag, delete, load and save are published', () => {
  const since = Math.floor(Date.now() / 1000) - 120;
  const until = Math.floor(Date.now() / 1000) + 1;
  const out = d.docker(['events', '--since', String(since), '--until', String(until), '--filter', 'type=image', '--format', '{{.Action}} {{.Actor.Attributes.name}}']).stdout;
  for (const line of ['import busybox:latest', 'tag built:1', 'untag 127.0.0.1:5000/team/app:v1', 'load saved:1', 'save saved:1']) {
    assert.ok(out.split('\n').includes(line), `${line} in:\n${out}`);
  }
  assert.match(out, /^delete sha256:/m);
});

test('pull and push answer that this daemon has no registry client (501), as one line', () => {
  const r = d.docker(['pull', 'alpine'], { allowFail: true });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /Error response from daemon: cannot pull docker.io\/library\/alpine:latest: this daemon has no registry client yet/);
});
