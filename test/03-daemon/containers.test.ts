// Container records through skiffd with the real docker CLI: create (the
// request merged with the image's config, HostConfig applied to the bundle
// or refused), inspect, ps with its filters, rename, wait, rm, prune — and
// bad input answered with dockerd's status and words, the daemon serving on.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startSkiffd, type Skiffd } from '../helpers/skiffd.ts';
import { call, context, importBusybox } from './fixtures.ts';

let d: Skiffd;
const create = (args: string[]) => d.docker(['create', ...args]).stdout.trim();
const bundleSpec = (id: string) => JSON.parse(readFileSync(join(d.dir, 'data/containers', id, 'bundle/config.json'), 'utf8'));
const fails = (args: string[]) => {
  const r = d.docker(args, { allowFail: true });
  assert.notEqual(r.status, 0, `docker ${args.join(' ')} should fail`);
  return r.stderr.trim();
};

/** A request whose status arrives before its body: the body is a promise of its own. */
function waitHeaders(path: string): Promise<{ status: number; body: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: d.host.slice('unix://'.length), method: 'POST', path }, (res) => {
      let text = '';
      const body = new Promise<string>((done) => res.setEncoding('utf8').on('data', (c) => (text += c)).on('end', () => done(text)));
      resolve({ status: res.statusCode!, body });
    });
    req.on('error', reject);
    req.end();
  });
}

before(async () => {
  process.env.DOCKER_BUILDKIT = '0';
  d = await startSkiffd();
  importBusybox(d);
  d.docker(['build', '-t', 'configured', context(d.dir, 'ctx', {
    Dockerfile: 'FROM busybox\nENV FROM_IMAGE=yes GREETING=image\nWORKDIR /srv\nLABEL layer=image\nENTRYPOINT ["echo"]\nCMD ["from", "image"]\n',
  })]);
});
after(() => d?.stop());

test('create prints the id; inspect shows the request merged with the image', () => {
  const id = create(['--name', 'merged', '-e', 'GREETING=request', '-l', 'mine=yes', 'configured', 'from', 'request']);
  assert.match(id, /^[0-9a-f]{64}$/);
  const [c] = JSON.parse(d.docker(['inspect', 'merged']).stdout);
  assert.equal(c.Id, id);
  assert.equal(c.Name, '/merged');
  assert.equal(c.State.Status, 'created');
  assert.equal(c.State.Running, false);
  assert.equal(c.State.StartedAt, '0001-01-01T00:00:00Z');
  assert.equal(c.Path, 'echo');
  assert.deepEqual(c.Args, ['from', 'request']);
  assert.deepEqual(c.Config.Entrypoint, ['echo']);
  assert.deepEqual(c.Config.Cmd, ['from', 'request']);
  assert.ok(c.Config.Env.includes('FROM_IMAGE=yes'));
  assert.ok(c.Config.Env.includes('GREETING=request'));
  assert.ok(!c.Config.Env.includes('GREETING=image'));
  assert.equal(c.Config.WorkingDir, '/srv');
  assert.equal(c.Config.Hostname, id.slice(0, 12));
  assert.deepEqual(c.Config.Labels, { layer: 'image', mine: 'yes' });
  assert.match(c.Image, /^sha256:[0-9a-f]{64}$/);
  assert.equal(c.HostConfig.RestartPolicy.Name, 'no');
  // --entrypoint drops the image's Cmd (moby's merge rule).
  const ep = create(['--entrypoint', 'sh', 'configured']);
  const [e] = JSON.parse(d.docker(['inspect', ep]).stdout);
  assert.equal(e.Path, 'sh');
  assert.deepEqual(e.Args, []);
});

test('limits, a read-only root and the host network are written into the bundle for the runtime', () => {
  const id = create(['--name', 'limited', '--memory', '64m', '--cpus', '0.5', '--cpu-shares', '512', '--pids-limit', '20', '--read-only', '--network', 'host', 'busybox', 'true']);
  const spec = bundleSpec(id);
  assert.deepEqual(spec.linux.resources.memory, { limit: 64 << 20, swap: 128 << 20 });
  assert.deepEqual(spec.linux.resources.cpu, { shares: 512, period: 100000, quota: 50000 });
  assert.deepEqual(spec.linux.resources.pids, { limit: 20 });
  assert.equal(spec.root.readonly, true);
  assert.ok(!spec.linux.namespaces.some((ns: { type: string }) => ns.type === 'network'));
  const swap = create(['--memory', '64m', '--memory-swap', '96m', 'busybox', 'true']);
  assert.equal(bundleSpec(swap).linux.resources.memory.swap, 96 << 20);
  const isolated = bundleSpec(create(['busybox', 'true']));
  assert.ok(isolated.linux.namespaces.some((ns: { type: string }) => ns.type === 'network'));
  assert.equal(isolated.root.readonly, false);
  const [c] = JSON.parse(d.docker(['inspect', 'limited']).stdout);
  assert.equal(c.HostConfig.Memory, 64 << 20);
  assert.equal(c.HostConfig.NanoCpus, 5e8);
  assert.equal(c.HostConfig.NetworkMode, 'host');
});

test('a bind mount lands in the bundle; a missing --mount source is refused in docker\'s words', () => {
  const src = join(d.dir, 'bind-src');
  const id = create(['-v', `${src}:/data:ro`, 'busybox', 'true']);
  assert.ok(existsSync(src), 'docker creates a missing -v source directory');
  const mount = bundleSpec(id).mounts.find((m: { destination: string }) => m.destination === '/data');
  assert.equal(mount.source, src);
  assert.ok(mount.options.includes('ro'));
  assert.equal(fails(['create', '--mount', 'type=bind,source=/no/such/path,target=/x', 'busybox', 'true']),
    'Error response from daemon: invalid mount config for type "bind": bind source path does not exist: /no/such/path');
  assert.match(fails(['create', '-v', 'not/a/name:/x', 'busybox', 'true']), /includes invalid characters for a local volume name/);
});

test('a name in use is a 409 with docker\'s message; bad names and policies are 400s', async () => {
  const id = d.docker(['inspect', '--format', '{{.Id}}', 'merged']).stdout.trim();
  assert.equal(fails(['create', '--name', 'merged', 'busybox', 'true']),
    `Error response from daemon: Conflict. The container name "/merged" is already in use by container "${id}". You have to remove (or rename) that container to be able to reuse that name.`);
  const r = await call(d, 'POST', '/v1.50/containers/create?name=merged', JSON.stringify({ Image: 'busybox', Cmd: ['true'] }), { 'Content-Type': 'application/json' });
  assert.equal(r.status, 409);
  assert.equal(r.headers['content-type'], 'application/json');
  assert.equal(fails(['create', '--name', 'bad name!', 'busybox', 'true']),
    'Error response from daemon: Invalid container name (bad name!), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed');
  const policy = await call(d, 'POST', '/containers/create', JSON.stringify({ Image: 'busybox', Cmd: ['true'], HostConfig: { RestartPolicy: { Name: 'sometimes' } } }), { 'Content-Type': 'application/json' });
  assert.equal(policy.status, 400);
  assert.equal(JSON.parse(policy.body).message, "invalid restart policy 'sometimes'");
  assert.match(fails(['create', '--restart', 'always:3', 'busybox', 'true']), /maximum retry count cannot be used with restart policy 'always'/);
  assert.equal(fails(['create', '--memory', '1m', 'busybox', 'true']), 'Error response from daemon: Minimum memory limit allowed is 6MB');
});

test('security settings the daemon cannot apply are refused, never ignored', () => {
  assert.match(fails(['create', '--security-opt', 'apparmor=docker-default', 'busybox', 'true']), /apparmor=… is not supported by this daemon: it has no AppArmor/);
  assert.match(fails(['create', '--device', '/dev/null:/dev/n:r', 'busybox', 'true']), /device permissions "r" for \/dev\/null are not supported by this daemon/);
  assert.match(fails(['create', '--pid', 'host', 'busybox', 'true']), /PidMode \(--pid\) is not supported/);
  assert.match(fails(['create', '--network', 'container:merged', 'busybox', 'true']), /NetworkMode container:merged is not supported/);
  assert.equal(fails(['create', '--network', 'mynet', 'busybox', 'true']), 'Error response from daemon: network mynet not found');
});

test('malformed JSON and wrongly typed fields are 400s worded like Go\'s decoder; nothing is left on disk', async () => {
  const before = d.docker(['ps', '-aq']).stdout;
  const post = (body: string) => call(d, 'POST', '/v1.50/containers/create', body, { 'Content-Type': 'application/json' });
  const bad = await post('{bad');
  assert.equal(bad.status, 400);
  assert.equal(bad.headers['content-type'], 'application/json');
  assert.equal(JSON.parse(bad.body).message, "invalid JSON: invalid character 'b' looking for beginning of object key string");
  const typed = await post(JSON.stringify({ Image: 5 }));
  assert.equal(typed.status, 400);
  assert.equal(JSON.parse(typed.body).message, 'invalid JSON: json: cannot unmarshal number into Go struct field ContainerConfigWrapper.Image of type string');
  const deep = await post(JSON.stringify({ Image: 'busybox', HostConfig: { Memory: 'lots' } }));
  assert.equal(deep.status, 400);
  assert.equal(JSON.parse(deep.body).message, 'invalid JSON: json: cannot unmarshal string into Go struct field ContainerConfigWrapper.HostConfig.Memory of type int64');
  const form = await call(d, 'POST', '/v1.50/containers/create', '{"Image":"busybox"}', { 'Content-Type': 'application/x-www-form-urlencoded' });
  assert.equal(form.status, 400);
  assert.equal(d.docker(['ps', '-aq']).stdout, before);
});

test('a missing image is a 404, which makes docker run look for it', async () => {
  const r = await call(d, 'POST', '/v1.50/containers/create', JSON.stringify({ Image: 'nosuch', Cmd: ['true'] }), { 'Content-Type': 'application/json' });
  assert.equal(r.status, 404);
  assert.equal(JSON.parse(r.body).message, 'No such image: nosuch:latest');
  assert.match(fails(['create', 'nosuch']), /^Unable to find image 'nosuch:latest' locally/);
  assert.equal(fails(['create', 'busybox']).trim(), 'Error response from daemon: No command specified');
});

test('ps -a lists newest first in docker\'s table; filters narrow it', () => {
  const lines = d.docker(['ps', '-a']).stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES$/);
  assert.match(lines.find((l) => l.endsWith(' merged'))!, /^[0-9a-f]{12} +configured +"echo from request" +.* ago +Created +merged$/);
  assert.equal(d.docker(['ps', '-q']).stdout, '', 'nothing is running');
  assert.equal(d.docker(['ps', '-a', '--filter', 'name=merged', '--format', '{{.Names}}']).stdout, 'merged\n');
  assert.equal(d.docker(['ps', '-a', '--filter', 'label=mine=yes', '--format', '{{.Names}}']).stdout, 'merged\n');
  assert.equal(d.docker(['ps', '-a', '--filter', 'ancestor=configured', '--format', '{{.Image}}']).stdout.trim().split('\n').every((l) => l === 'configured'), true);
  assert.equal(d.docker(['ps', '-a', '--filter', 'status=created', '-q']).stdout.trim().split('\n').length, d.docker(['ps', '-aq']).stdout.trim().split('\n').length);
  assert.equal(d.docker(['ps', '-a', '-n', '1', '-q']).stdout.trim().split('\n').length, 1);
  assert.match(fails(['ps', '--filter', 'status=sleeping']), /invalid filter 'status=sleeping'/);
});

test('rename, then wait and rm by the new name; unknown ids are 404s in docker\'s words', async () => {
  d.docker(['rename', 'merged', 'renamed']);
  assert.equal(d.docker(['inspect', '--format', '{{.Name}}', 'renamed']).stdout.trim(), '/renamed');
  assert.match(fails(['inspect', '--type', 'container', 'merged']), /No such container: merged/);
  assert.equal(d.docker(['wait', 'renamed']).stdout, '0\n');
  // The headers come at once, before the condition is met (docker run depends on it).
  const waiting = await waitHeaders('/v1.50/containers/renamed/wait?condition=removed');
  assert.equal(waiting.status, 200);
  const id = d.docker(['inspect', '--format', '{{.Id}}', 'renamed']).stdout.trim();
  assert.equal(d.docker(['rm', 'renamed']).stdout, 'renamed\n');
  assert.deepEqual(JSON.parse(await waiting.body), { StatusCode: 0, Error: null });
  assert.ok(!existsSync(join(d.dir, 'data/containers', id)), 'the container directory is gone');
  assert.equal(fails(['rm', 'nosuch']), 'Error response from daemon: No such container: nosuch');
  assert.equal(fails(['wait', 'nosuch']), 'Error response from daemon: No such container: nosuch');
  const bad = await call(d, 'POST', '/v1.50/containers/limited/wait?condition=sometime');
  assert.equal(bad.status, 400);
});

test('container events: create, rename and destroy are published', () => {
  const now = Math.floor(Date.now() / 1000);
  const out = d.docker(['events', '--since', String(now - 120), '--until', String(now + 1), '--filter', 'type=container', '--format', '{{.Action}} {{.Actor.Attributes.name}}']).stdout;
  for (const line of ['create merged', 'rename renamed', 'destroy renamed']) assert.ok(out.split('\n').includes(line), `${line} in:\n${out}`);
});

test('container prune removes every stopped container', () => {
  const out = d.docker(['container', 'prune', '-f']).stdout;
  assert.match(out, /^Deleted Containers:\n([0-9a-f]{64}\n)+\nTotal reclaimed space: /);
  assert.equal(d.docker(['ps', '-aq']).stdout, '');
});
