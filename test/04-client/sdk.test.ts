// The SDK against a real daemon: every call, the streams, cancellation and errors.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  ConflictError, ConnectionError, EngineClient, NotFoundError, compareVersions,
} from '../../chapters/04-client/sdk/index.ts';
import { startTarget, type Target } from './target.ts';

let target: Target;
let engine: EngineClient;

before(async () => {
  target = await startTarget();
  engine = new EngineClient({ host: target.host });
});
after(async () => {
  await target?.stop();
});

describe('connection and version', () => {
  it('negotiates min(daemon, 1.50) with /_ping', async () => {
    const ping = await engine.ping();
    assert.ok(ping.apiVersion, 'the daemon names its API version');
    const expected = compareVersions(ping.apiVersion!, '1.50') < 0 ? ping.apiVersion : '1.50';
    assert.equal(ping.negotiated, expected);
    assert.equal(await engine.apiVersion(), expected);
    const version = await engine.system.version();
    assert.equal(version.ApiVersion, ping.apiVersion);
  });

  it('an absent socket is a ConnectionError naming the address', async () => {
    const nowhere = new EngineClient({ host: 'unix:///tmp/skiff-no-such.sock' });
    await assert.rejects(nowhere.system.info(), (error: unknown) => {
      assert.ok(error instanceof ConnectionError);
      assert.match(error.message, /Cannot connect to the Skiff daemon at unix:\/\/\/tmp\/skiff-no-such\.sock/);
      return true;
    });
  });
});

describe('containers', () => {
  it('create, start, wait, logs, inspect, remove', async () => {
    const { Id } = await engine.containers.create({ Image: 'busybox', Cmd: ['sh', '-c', 'echo out; echo err >&2; exit 3'] });
    const waiting = await engine.containers.beginWait(Id, { condition: 'next-exit' });
    await engine.containers.start(Id);
    assert.equal((await waiting.result).StatusCode, 3);
    const logs = await (await engine.containers.logs(Id)).collect();
    assert.deepEqual(logs, { stdout: 'out\n', stderr: 'err\n' });
    const info = await engine.containers.inspect(Id);
    assert.equal(info.State.Status, 'exited');
    assert.equal(info.State.ExitCode, 3);
    await engine.containers.remove(Id);
    await assert.rejects(engine.containers.inspect(Id), NotFoundError);
  });

  it('errors are typed: 404 for an unknown image, 409 for a name in use', async () => {
    await assert.rejects(engine.containers.create({ Image: 'no-such-image:1' }), (e: unknown) => e instanceof NotFoundError && e.status === 404);
    const { Id } = await engine.containers.create({ Image: 'busybox', Cmd: ['true'] }, { name: 'sdk-taken' });
    await assert.rejects(engine.containers.create({ Image: 'busybox' }, { name: 'sdk-taken' }), (e: unknown) => e instanceof ConflictError && /already in use/.test(e.message));
    await engine.containers.remove(Id);
  });

  it('attach with stdin: bytes in, EOF by half-close, output demultiplexed', async () => {
    const { Id } = await engine.containers.create({
      Image: 'busybox', Cmd: ['sh', '-c', 'cat; echo done >&2'], OpenStdin: true, StdinOnce: true, AttachStdin: true, AttachStdout: true, AttachStderr: true,
    });
    const session = await engine.containers.attach(Id, { stdin: true });
    assert.equal(session.multiplexed, true);
    const waiting = await engine.containers.beginWait(Id, { condition: 'next-exit' });
    await engine.containers.start(Id);
    session.stdin.write('hello\nworld\n');
    session.closeStdin();
    const out = await session.collect();
    assert.deepEqual(out, { stdout: 'hello\nworld\n', stderr: 'done\n' });
    assert.equal((await waiting.result).StatusCode, 0);
    await engine.containers.remove(Id);
  });

  it('a tty container streams raw bytes, \\r\\n and all', async () => {
    const { Id } = await engine.containers.create({ Image: 'busybox', Cmd: ['sh', '-c', 'echo a; echo b >&2'], Tty: true });
    const session = await engine.containers.attach(Id);
    assert.equal(session.multiplexed, false);
    await engine.containers.start(Id);
    assert.deepEqual(await session.collect(), { stdout: 'a\r\nb\r\n', stderr: '' });
    await engine.containers.remove(Id, { force: true });
  });

  it('logs follow streams until aborted', async () => {
    const { Id } = await engine.containers.create({ Image: 'busybox', Cmd: ['sh', '-c', 'i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.1; done'] });
    await engine.containers.start(Id);
    const abort = new AbortController();
    const output = await engine.containers.logs(Id, { follow: true, signal: abort.signal });
    const seen: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const frame of output) {
          seen.push(frame.payload.toString());
          if (seen.join('').includes('tick 3')) abort.abort();
        }
      })(),
      { name: 'AbortError' },
    );
    assert.match(seen.join(''), /^tick 0\ntick 1\ntick 2\ntick 3\n/);
    await engine.containers.remove(Id, { force: true });
  });

  it('exec: output, exit code, and a missing command', async () => {
    const { Id } = await engine.containers.create({ Image: 'busybox', Cmd: ['sleep', '60'] });
    await engine.containers.start(Id);
    const exec = await engine.containers.exec(Id, { Cmd: ['sh', '-c', 'echo in-exec; exit 7'], AttachStdout: true, AttachStderr: true });
    const session = await engine.execs.start(exec.Id);
    assert.deepEqual(await session.collect(), { stdout: 'in-exec\n', stderr: '' });
    assert.equal((await engine.execs.inspect(exec.Id)).ExitCode, 7);
    const top = await engine.containers.top(Id);
    assert.ok(top.Titles.includes('PID'));
    assert.ok(top.Processes.some((row) => row.join(' ').includes('sleep 60')));
    await engine.containers.remove(Id, { force: true });
  });
});

describe('images and events', () => {
  it('list, inspect, tag, history, remove', async () => {
    const images = await engine.images.list();
    assert.ok(images.some((i) => i.RepoTags?.includes('busybox:latest')));
    const busybox = await engine.images.inspect('busybox');
    assert.match(busybox.Id, /^sha256:[0-9a-f]{64}$/);
    await engine.images.tag('busybox', { repo: 'sdk/tagged', tag: 'v1' });
    assert.equal((await engine.images.inspect('sdk/tagged:v1')).Id, busybox.Id);
    const history = await engine.images.history('sdk/tagged:v1');
    assert.ok(history.length >= 1);
    const removed = await engine.images.remove('sdk/tagged:v1');
    assert.deepEqual(removed, [{ Untagged: 'sdk/tagged:v1' }]);
  });

  it('build streams progress and names the image in aux', async () => {
    const { pack } = await import('tar-stream');
    const tar = pack();
    tar.entry({ name: 'Dockerfile' }, 'FROM busybox\nRUN echo built > /built\nCMD ["cat", "/built"]\n');
    tar.finalize();
    const body = new PassThrough();
    tar.pipe(body);
    const lines: string[] = [];
    let id: string | undefined;
    for await (const message of engine.images.build(body, { tags: ['sdk/built:1'] })) {
      if (message.stream) lines.push(message.stream);
      if (message.aux?.ID) id = String(message.aux.ID);
    }
    assert.match(lines.join(''), /Step 1\/3 : FROM busybox/);
    assert.match(id ?? '', /^sha256:/);
    assert.equal((await engine.images.inspect('sdk/built:1')).Id, id);
  });

  it('events arrive as an async iterator and stop with AbortSignal', async () => {
    const abort = new AbortController();
    const since = String(Math.floor(Date.now() / 1000) - 1);
    const seen: string[] = [];
    const listening = (async () => {
      for await (const event of engine.system.events({ since, filters: { type: ['container'], label: ['sdk-events=1'] }, signal: abort.signal })) {
        seen.push(event.Action);
        if (event.Action === 'destroy') abort.abort();
      }
    })();
    listening.catch(() => {}); // awaited below, after the container's life
    const { Id } = await engine.containers.create({ Image: 'busybox', Cmd: ['true'], Labels: { 'sdk-events': '1' } });
    const waiting = await engine.containers.beginWait(Id, { condition: 'next-exit' });
    await engine.containers.start(Id);
    await waiting.result;
    await engine.containers.remove(Id);
    await assert.rejects(listening, { name: 'AbortError' });
    assert.deepEqual(seen.filter((a) => ['create', 'start', 'die', 'destroy'].includes(a)), ['create', 'start', 'die', 'destroy']);
  });
});
