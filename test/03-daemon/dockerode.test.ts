// skiffd driven from code by dockerode 5 — the SDK most Node programs use
// for Docker — with no knowledge that the daemon is not dockerd: create,
// start, a hijacked attach with stdin, demultiplexed output, the plain
// (non-hijacked) attach that docker.run() uses, wait, logs, exec and remove.
// dockerode sends unversioned paths, `true`/`false` booleans, and its
// options both as query and as JSON body; see the reference notes.
import assert from 'node:assert/strict';
import { PassThrough, type Duplex, type Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import Docker from 'dockerode';
import { startSkiffd, type Skiffd } from '../helpers/skiffd.ts';
import { importBusybox } from './fixtures.ts';

let d: Skiffd;
let docker: Docker;

before(async () => {
  d = await startSkiffd();
  importBusybox(d);
  docker = new Docker({ socketPath: d.host.slice('unix://'.length) });
});
after(() => d?.stop());

/** Everything a stream carries, as text. */
function text(stream: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    stream.setEncoding('utf8').on('data', (c: string) => (out += c)).on('end', () => resolve(out)).on('error', reject);
  });
}

/** stdout and stderr of a multiplexed stream, apart, through dockerode's own demuxStream. */
async function demux(stream: Readable): Promise<{ stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  docker.modem.demuxStream(stream, stdout, stderr);
  // 'end' once every byte was read; a 'close' can come first, with bytes still to be read, so it waits a turn.
  const ended = new Promise<void>((resolve) => stream.on('end', resolve).on('close', () => setImmediate(resolve)));
  const [out, err] = [text(stdout), text(stderr)];
  await ended;
  stdout.end();
  stderr.end();
  return { stdout: await out, stderr: await err };
}

test('ping, version and info answer as dockerd\'s do', async () => {
  assert.equal(String(await docker.ping()), 'OK');
  const version = await docker.version();
  assert.equal(version.ApiVersion, '1.50');
  const info = await docker.info();
  assert.equal(info.OSType, 'linux');
});

test('create, a hijacked attach with stdin, start, demultiplexed output, wait, inspect, remove', async () => {
  const container = await docker.createContainer({
    Image: 'busybox', Cmd: ['sh', '-c', 'while read line; do echo "out:$line"; echo "err:$line" >&2; done; exit 4'],
    OpenStdin: true, StdinOnce: true, AttachStdin: true, AttachStdout: true, AttachStderr: true, name: 'piped',
  });
  // hijack: true is an HTTP upgrade; the options dockerode sends as a JSON body must not reach stdin.
  const stream = (await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true })) as unknown as Duplex;
  const output = demux(stream);
  stream.write('one\n');
  await container.start();
  stream.end('two\n');
  const { stdout, stderr } = await output;
  assert.equal(stdout, 'out:one\nout:two\n');
  assert.equal(stderr, 'err:one\nerr:two\n');
  assert.deepEqual(await container.wait(), { StatusCode: 4, Error: null });
  const info = await container.inspect();
  assert.equal(info.Name, '/piped');
  assert.equal(info.State.Status, 'exited');
  assert.equal(info.State.ExitCode, 4);
  const logs = (await container.logs({ stdout: true, stderr: true })) as unknown as Buffer;
  // Not streamed, the log still comes framed: 8 bytes of header a frame, stream 1 or 2.
  assert.equal(logs[0], 1);
  assert.equal(logs.readUInt32BE(4), 'out:one\n'.length);
  await container.remove();
  await assert.rejects(container.inspect(), (err: { statusCode?: number; json?: { message?: string } }) =>
    err.statusCode === 404 && err.json?.message === `No such container: ${container.id}`);
});

test('docker.run: a plain (non-hijacked) attach with a tty, then start, then wait', async () => {
  const out = new PassThrough();
  const collected = text(out);
  const [result, container] = (await docker.run('busybox', ['sh', '-c', 'echo hello from run; exit 3'], out)) as [{ StatusCode: number }, Docker.Container];
  out.end();
  assert.equal(result.StatusCode, 3);
  // With a tty the output is raw, with the terminal's line endings.
  assert.equal(await collected, 'hello from run\r\n');
  await container.remove();
});

test('docker.run without a tty: stdout and stderr demultiplexed into two streams', async () => {
  const out = new PassThrough();
  const err = new PassThrough();
  const texts = [text(out), text(err)];
  const [result, container] = (await docker.run('busybox', ['sh', '-c', 'echo to-out; echo to-err >&2'], [out, err], { Tty: false })) as [{ StatusCode: number }, Docker.Container];
  out.end();
  err.end();
  assert.equal(result.StatusCode, 0);
  assert.deepEqual(await Promise.all(texts), ['to-out\n', 'to-err\n']);
  await container.remove();
});

test('logs follow a running container to its end; exec runs in it with its exit code', async () => {
  const container = await docker.createContainer({ Image: 'busybox', Cmd: ['sh', '-c', 'echo first; sleep 2; echo second'] });
  await container.start();
  const exec = await container.exec({ Cmd: ['sh', '-c', 'echo from-exec; echo exec-err >&2; exit 7'], AttachStdout: true, AttachStderr: true });
  const execStream = (await exec.start({ hijack: true, stdin: false })) as unknown as Duplex;
  assert.deepEqual(await demux(execStream), { stdout: 'from-exec\n', stderr: 'exec-err\n' });
  const inspected = await exec.inspect();
  assert.equal(inspected.ExitCode, 7);
  assert.equal(inspected.Running, false);
  // Not hijacked: the output comes back as the response body.
  const plain = await container.exec({ Cmd: ['echo', 'plain'], AttachStdout: true, AttachStderr: true });
  assert.deepEqual(await demux((await plain.start({})) as unknown as Readable), { stdout: 'plain\n', stderr: '' });
  const followed = (await container.logs({ stdout: true, stderr: true, follow: true })) as unknown as Readable;
  const { stdout } = await demux(followed);
  assert.equal(stdout, 'first\nsecond\n');
  assert.equal((await container.wait()).StatusCode, 0);
  await container.remove();
});

test('errors: unknown containers are 404s, a name in use a 409, killing a stopped container a 409', async () => {
  await assert.rejects(docker.getContainer('nosuch').inspect(), (err: { statusCode?: number }) => err.statusCode === 404);
  const first = await docker.createContainer({ Image: 'busybox', Cmd: ['true'], name: 'taken' });
  await assert.rejects(docker.createContainer({ Image: 'busybox', Cmd: ['true'], name: 'taken' }), (err: { statusCode?: number; json?: { message?: string } }) =>
    err.statusCode === 409 && /^Conflict\. The container name "\/taken" is already in use/.test(err.json?.message ?? ''));
  await assert.rejects(first.kill(), (err: { statusCode?: number }) => err.statusCode === 409);
  await first.remove({ force: true });
});
