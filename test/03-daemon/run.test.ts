// `docker run` through skiffd, with the real docker CLI: what the program
// inside sees of each flag, what the host sees of its limits, the exit
// codes the CLI derives, stdin piped and typed on a real terminal — and on
// the wire, the hijacked attach itself: the 101, the 8-byte frames, and
// stdin with its half-close sent before the container was even started.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSkiffd, type Skiffd } from '../helpers/skiffd.ts';
import { call, importBusybox } from './fixtures.ts';

let d: Skiffd;
const ok = (args: string[], input?: string) => d.docker(args, { input }).stdout;
const run = (args: string[], input?: string) => d.docker(['run', ...args], { allowFail: true, input });
const json = { 'Content-Type': 'application/json' };

before(async () => {
  d = await startSkiffd();
  importBusybox(d);
});
after(() => d?.stop());

/** A cgroup file of a running container, read on the host (v1: under the controller's hierarchy; v2: the one). */
function hostCgroupFile(id: string, v1: string, v2: string): string {
  for (const [dir, file] of [[`/sys/fs/cgroup/${v1.split('/')[0]}/skiff/${id}`, v1.split('/')[1]!], [`/sys/fs/cgroup/skiff/${id}`, v2]] as const) {
    if (existsSync(join(dir, file))) return readFileSync(join(dir, file), 'utf8').trim();
  }
  throw new Error(`no cgroup file ${v1} or ${v2} for ${id}`);
}

test('the flags as the program sees them: --name, -e, -w, -u, --hostname, --entrypoint, -l', () => {
  const out = ok(['run', '--name', 'seen', '-e', 'GREETING=hi', '-w', '/made/here', '-u', '1000:1000', '--hostname', 'skiffbox', '-l', 'tier=web',
    'busybox', 'sh', '-c', 'echo "$GREETING $(pwd) $(id -u):$(id -g) $(hostname) $HOSTNAME"']);
  assert.equal(out, 'hi /made/here 1000:1000 skiffbox skiffbox\n');
  assert.equal(ok(['inspect', '--format', '{{.Name}} {{json .Config.Labels}} {{.Config.User}} {{.Config.WorkingDir}}', 'seen']), '/seen {"tier":"web"} 1000:1000 /made/here\n');
  assert.equal(ok(['run', '--rm', '--entrypoint', 'echo', 'busybox', 'from', 'entrypoint']), 'from entrypoint\n');
  ok(['rm', 'seen']);
});

test('--rm leaves nothing: no record, no directory, no mount, no cgroup', () => {
  const before = ok(['ps', '-aq']);
  assert.equal(ok(['run', '--rm', 'busybox', 'echo', 'gone']), 'gone\n');
  assert.equal(ok(['ps', '-aq']), before);
  const dirs = spawnSync('ls', [join(d.dir, 'data/containers')], { encoding: 'utf8' }).stdout.split('\n').filter((n) => /^[0-9a-f]{64}$/.test(n));
  assert.deepEqual(dirs, before.trim() ? dirs : []);
  assert.ok(!readFileSync('/proc/self/mountinfo', 'utf8').includes(join(d.dir, 'data/containers')), 'no rootfs left mounted');
});

test('-d returns at once with the id; the container runs detached from the CLI', async () => {
  const id = ok(['run', '-d', '--name', 'detached', 'busybox', 'sleep', '30']).trim();
  assert.match(id, /^[0-9a-f]{64}$/);
  const pid = Number(ok(['inspect', '--format', '{{.State.Pid}}', 'detached']));
  // The container's PID 1 is a real process on the host, in namespaces of its own.
  assert.match(readFileSync(`/proc/${pid}/cmdline`, 'utf8'), /^sleep\x0030\x00$/);
  assert.notEqual(readFileSync(`/proc/${pid}/ns/pid`.replace('/ns/pid', '/stat'), 'utf8'), '');
  assert.notEqual(spawnSync('readlink', [`/proc/${pid}/ns/pid`], { encoding: 'utf8' }).stdout, spawnSync('readlink', ['/proc/self/ns/pid'], { encoding: 'utf8' }).stdout);
  ok(['rm', '-f', 'detached']);
  await sleep(50);
  assert.equal(existsSync(`/proc/${pid}`), false, 'rm -f killed it');
});

test('-v binds a host directory both ways; :ro is read-only inside', () => {
  const dir = join(d.dir, 'bound');
  mkdirSync(dir);
  writeFileSync(join(dir, 'in.txt'), 'from host\n');
  assert.equal(ok(['run', '--rm', '-v', `${dir}:/data`, 'busybox', 'sh', '-c', 'cat /data/in.txt; echo from container > /data/out.txt']), 'from host\n');
  assert.equal(readFileSync(join(dir, 'out.txt'), 'utf8'), 'from container\n');
  const ro = run(['--rm', '-v', `${dir}:/data:ro`, 'busybox', 'touch', '/data/nope']);
  assert.equal(ro.status, 1);
  assert.match(ro.stderr, /Read-only file system/);
});

test('--memory and --pids-limit: the host\'s cgroup holds the limits, and the kernel enforces them', () => {
  const id = ok(['run', '-d', '--memory', '32m', '--pids-limit', '7', 'busybox', 'sleep', '30']).trim();
  assert.equal(hostCgroupFile(id, 'memory/memory.limit_in_bytes', 'memory.max'), String(32 << 20));
  assert.equal(hostCgroupFile(id, 'pids/pids.max', 'pids.max'), '7');
  ok(['rm', '-f', id]);
  const forks = run(['--rm', '--pids-limit', '3', 'busybox', 'sh', '-c', 'for i in 1 2 3 4; do sleep 1 & done; wait']);
  assert.match(forks.stderr, /can't fork/);
});

test('exit codes: the program\'s own (0, 1, 42), 125 for the daemon\'s refusal, 126 not executable, 127 not found', async () => {
  for (const [script, code] of [['true', 0], ['false', 1], ['exit 42', 42]] as const) assert.equal(run(['--rm', 'busybox', 'sh', '-c', script]).status, code);
  const refused = run(['--rm', '--memory', '1m', 'busybox', 'true']);
  assert.equal(refused.status, 125);
  assert.match(refused.stderr, /Minimum memory limit allowed is 6MB/);
  assert.equal(run(['--rm', 'busybox', '/etc/passwd']).status, 126);
  const missing = run(['--name', 'nobin', 'busybox', 'no-such-program']);
  assert.equal(missing.status, 127);
  assert.match(missing.stderr, /exec: "no-such-program": executable file not found in \$PATH/);
  // The container stays, created, with the reason; and the daemon serves on.
  assert.equal(ok(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', 'nobin']), 'created 127\n');
  assert.equal((await call(d, 'GET', '/_ping')).body, 'OK');
  ok(['rm', 'nobin']);
});

test('--restart on-failure:2 runs three times; always is restarted after each exit until stopped', async () => {
  ok(['run', '-d', '--name', 'flaky', '--restart', 'on-failure:2', 'busybox', 'sh', '-c', 'echo run; exit 3']);
  for (let i = 0; i < 100 && ok(['inspect', '--format', '{{.RestartCount}} {{.State.Status}}', 'flaky']) !== '2 exited\n'; i++) await sleep(100);
  assert.equal(ok(['inspect', '--format', '{{.RestartCount}} {{.State.Status}} {{.State.ExitCode}}', 'flaky']), '2 exited 3\n');
  assert.equal(ok(['logs', 'flaky']), 'run\nrun\nrun\n');
  ok(['rm', 'flaky']);
  ok(['run', '-d', '--name', 'phoenix', '--restart', 'always', 'busybox', 'sh', '-c', 'sleep 0.2']);
  for (let i = 0; i < 100 && Number(ok(['inspect', '--format', '{{.RestartCount}}', 'phoenix'])) < 2; i++) await sleep(100);
  assert.ok(Number(ok(['inspect', '--format', '{{.RestartCount}}', 'phoenix'])) >= 2);
  assert.equal(ok(['stop', 'phoenix']), 'phoenix\n');
  const count = ok(['inspect', '--format', '{{.RestartCount}} {{.State.Status}}', 'phoenix']);
  await sleep(600);
  assert.equal(ok(['inspect', '--format', '{{.RestartCount}} {{.State.Status}}', 'phoenix']), count, 'a stopped container stays stopped');
  assert.match(count, / exited\n$/);
  ok(['rm', 'phoenix']);
});

test('-i: piped stdin reaches the program, and its end is the program\'s EOF', () => {
  assert.equal(ok(['run', '--rm', '-i', 'busybox', 'sh', '-c', 'cat; echo "<eof>"'], 'a\nb\n'), 'a\nb\n<eof>\n');
  assert.equal(ok(['run', '--rm', '-i', 'busybox', 'wc', '-c'], 'x'.repeat(200_000)).trim(), '200000');
});

test('-t and exec -t on a real terminal (script(1)): the program\'s own pty, typed into', () => {
  const script = (command: string, input: string) => spawnSync('script', ['-qec', command, '/dev/null'], {
    encoding: 'utf8', input, env: { ...process.env, DOCKER_HOST: d.host, DOCKER_CONFIG: join(d.dir, 'cli-config') }, timeout: 30_000,
  });
  const session = script('docker run --rm -it busybox sh', 'echo typed $((20+22))\ntty\nexit 5\n');
  assert.equal(session.status, 5, session.stdout);
  assert.match(session.stdout, /^typed 42\r$/m);
  assert.match(session.stdout, /^\/dev\/pts\/0\r$/m);
  ok(['run', '-d', '--name', 'ttyhost', 'busybox', 'sleep', '30']);
  const exec = script('docker exec -it ttyhost sh', 'tty\nexit 6\n');
  assert.equal(exec.status, 6, exec.stdout);
  assert.match(exec.stdout, /^\/dev\/pts\/\d+\r$/m);
  ok(['rm', '-f', 'ttyhost']);
});

/** An HTTP request written by hand on the daemon's socket, for the upgrade: the raw socket after the request. */
function rawRequest(head: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ path: d.host.slice('unix://'.length), allowHalfOpen: true });
    socket.once('error', reject).once('connect', () => {
      socket.write(head);
      resolve(socket);
    });
  });
}

function readAll(socket: Socket): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks)));
  });
}

test('on the wire: 101 UPGRADED, then 8-byte frames; stdin and its half-close sent before start are delivered', async () => {
  const created = await call(d, 'POST', '/v1.50/containers/create', JSON.stringify({
    Image: 'busybox', Cmd: ['sh', '-c', 'cat; echo done >&2'], OpenStdin: true, StdinOnce: true, AttachStdin: true,
  }), json);
  const { Id } = JSON.parse(created.body);
  const socket = await rawRequest(`POST /v1.50/containers/${Id}/attach?stream=1&stdin=1&stdout=1&stderr=1 HTTP/1.1\r\nHost: skiffd\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n`);
  const received = readAll(socket);
  // All the input, and its end, before the container exists as a process.
  socket.end('piped before start\n');
  await sleep(200);
  assert.equal((await call(d, 'POST', `/v1.50/containers/${Id}/start`)).status, 204);
  const bytes = await received;
  const headEnd = bytes.indexOf('\r\n\r\n');
  const head = bytes.subarray(0, headEnd).toString();
  assert.match(head, /^HTTP\/1\.1 101 UPGRADED\r\n/);
  assert.match(head, /\r\nContent-Type: application\/vnd\.docker\.multiplexed-stream\r\n/);
  assert.match(head, /\r\nUpgrade: tcp/);
  const frames: [number, string][] = [];
  for (let rest = bytes.subarray(headEnd + 4); rest.length >= 8; ) {
    const size = rest.readUInt32BE(4);
    assert.deepEqual([...rest.subarray(1, 4)], [0, 0, 0], 'three zero bytes after the stream number');
    frames.push([rest[0]!, rest.subarray(8, 8 + size).toString()]);
    rest = rest.subarray(8 + size);
  }
  assert.deepEqual(frames, [[1, 'piped before start\n'], [2, 'done\n']]);
  await call(d, 'DELETE', `/containers/${Id}`);
});

test('on the wire: with a tty the stream is raw; without an Upgrade header the answer is a 200 and a body', async () => {
  const created = await call(d, 'POST', '/containers/create', JSON.stringify({ Image: 'busybox', Cmd: ['echo', 'raw'], Tty: true }), json);
  const { Id } = JSON.parse(created.body);
  const socket = await rawRequest(`POST /containers/${Id}/attach?stream=true&stdout=true&stderr=true HTTP/1.1\r\nHost: skiffd\r\nContent-Length: 0\r\n\r\n`);
  const received = readAll(socket);
  // As dockerode does: start once the answer's headers are in.
  await new Promise<void>((resolve) => socket.on('data', function seen(chunk: Buffer) {
    if (chunk.includes('\r\n\r\n')) (socket.off('data', seen), resolve());
  }));
  await call(d, 'POST', `/containers/${Id}/start`);
  const text = (await received).toString();
  assert.match(text, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(text, /\r\nContent-Type: application\/vnd\.docker\.raw-stream\r\n/);
  assert.match(text, /raw\r\n/);
  assert.doesNotMatch(text, /\x01\x00\x00\x00/, 'no frame headers with a terminal');
  await call(d, 'DELETE', `/containers/${Id}`);
});

test('resize reaches the container\'s terminal: the program sees the new size', async () => {
  const created = await call(d, 'POST', '/v1.50/containers/create', JSON.stringify({ Image: 'busybox', Cmd: ['sh', '-c', 'sleep 1; stty size'], Tty: true }), json);
  const { Id } = JSON.parse(created.body);
  await call(d, 'POST', `/v1.50/containers/${Id}/start`);
  assert.equal((await call(d, 'POST', `/v1.50/containers/${Id}/resize?h=42&w=123`)).status, 200);
  await call(d, 'POST', `/v1.50/containers/${Id}/wait`);
  assert.equal(ok(['logs', Id]), '42 123\r\n');
  await call(d, 'DELETE', `/containers/${Id}`);
});

test('attach to an unknown container is a plain 404 even on an upgrade request', async () => {
  const socket = await rawRequest('POST /v1.50/containers/nosuch/attach?stream=1&stdout=1 HTTP/1.1\r\nHost: skiffd\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n');
  const text = (await readAll(socket)).toString();
  assert.match(text, /^HTTP\/1\.1 404 Not Found\r\n/);
  assert.match(text, /Content-Type: application\/json\r\n/);
  assert.match(text, /\{"message":"No such container: nosuch"\}/);
});
