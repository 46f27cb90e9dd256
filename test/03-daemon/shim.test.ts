// The shim: one process per container that holds its stdio, its log and its
// exit, and outlives whoever started it. Each test starts containers from a
// busybox bundle written with chapter 01's defaultSpec, through spawnShim as
// the daemon does, and checks what a daemon relies on: frames told apart,
// stdin reaching the program, a real terminal, Docker's json-file log, exit
// records (OOM included), exec, survival of a SIGKILLed parent, and nothing
// left on the host once a container is gone.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConflictError, defaultSpec, parseContainerId, RuntimeError, type Spec } from '../../chapters/01-namespaces/index.ts';
import {
  connectShim, FrameDecoder, readExit, readLogs, ShimPool, spawnShim, type Frame, type LogEntry, type Shim, type ShimSpec,
} from '../../chapters/03-daemon/shim/index.ts';
import { cgroupDirsNamed, hostMountsUnder } from '../01-namespaces/host.ts';
import { makeBusyboxRootfs, makeTempDir, removeTempDir } from '../helpers/rootfs.ts';

const MiB = 1024 * 1024;

/** Whether a process exists (a zombie counts as gone). */
function alive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitUntil(what: string, condition: () => boolean, ms = 20_000): Promise<void> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(20)) if (condition()) return;
  assert.fail(`timed out waiting until ${what}`);
}

/** What an attach or exec stream carried, by stream. */
async function collect(io: Duplex): Promise<{ stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const frames = io.pipe(new FrameDecoder());
  for await (const { stream, payload } of frames as AsyncIterable<Frame>) out[stream === 1 ? 'stdout' : 'stderr'] += payload.toString();
  return out;
}

/** Reads frames until the stdout so far matches `pattern`; returns it. */
async function readUntil(frames: AsyncIterator<Frame>, pattern: RegExp, sofar = { text: '' }): Promise<string> {
  while (!pattern.test(sofar.text)) {
    const { value, done } = await frames.next();
    if (done) assert.fail(`the stream ended before ${pattern}: ${JSON.stringify(sofar.text)}`);
    sofar.text += value.payload.toString();
  }
  return sofar.text;
}

class ShimLab {
  readonly dir = makeTempDir('skiff-shim-');
  readonly rootfs = join(this.dir, 'rootfs');
  readonly stateRoot = join(this.dir, 'state');
  private count = 0;
  /** Every container this lab made: its id and shim directory, for the checks and the clean-up. */
  readonly made: ShimSpec[] = [];

  constructor() {
    makeBusyboxRootfs(this.rootfs);
  }

  /** A bundle for `args`, written with chapter 01's defaultSpec, then changed by `configure`. */
  spec(args: string[], options: Partial<ShimSpec> & { configure?: (spec: Spec) => void } = {}): ShimSpec {
    const n = ++this.count;
    const bundle = join(this.dir, `bundle-${n}`);
    mkdirSync(bundle);
    const config = defaultSpec({ args, rootfs: this.rootfs, terminal: options.tty ?? false });
    options.configure?.(config);
    writeFileSync(join(bundle, 'config.json'), JSON.stringify(config));
    const id = parseContainerId(randomBytes(32).toString('hex'));
    const spec: ShimSpec = {
      id, bundle, stateRoot: this.stateRoot, dir: join(this.dir, 'shims', id), logPath: join(this.dir, 'containers', id, `${id}-json.log`),
      tty: false, openStdin: false, stdinOnce: false, ...options,
    };
    delete (spec as { configure?: unknown }).configure;
    this.made.push(spec);
    return spec;
  }

  /** Everything a container leaves on the host while it lives, all gone. */
  async assertNothingLeft(spec: ShimSpec, pids: number[]): Promise<void> {
    await waitUntil('the shim and the container are gone', () => pids.every((pid) => !alive(pid)));
    assert.deepEqual(cgroupDirsNamed(spec.id), [], 'no cgroup of it');
    assert.equal(existsSync(join(this.stateRoot, spec.id)), false, "no runtime state of it");
    assert.deepEqual(hostMountsUnder(this.dir), [], 'no mount under the lab');
    assert.deepEqual(readdirSync(spec.dir).sort(), ['exit.json'], 'the shim left its exit record and nothing else');
  }

  /** Stops whatever a failed test left running, then removes the lab. */
  async close(): Promise<void> {
    for (const spec of this.made) {
      const shim = await connectShim(spec.dir).catch(() => undefined);
      if (shim) {
        await shim.kill('KILL').catch(() => {});
        await shim.exited.catch(() => {});
        shim.close();
      }
    }
    const leftovers = hostMountsUnder(this.dir);
    assert.deepEqual(leftovers, [], 'nothing mounted under the lab');
    removeTempDir(this.dir);
  }
}

/** Writes `text` on a fresh connection and returns the first line of the answer ('' if it hangs up). */
function talk(path: string, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = connect(path, () => socket.write(text));
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      answer += chunk;
      if (answer.includes('\n')) {
        socket.destroy();
        resolve(answer.slice(0, answer.indexOf('\n')));
      }
    });
    socket.on('close', () => resolve(answer)).on('error', reject);
  });
}

const shimPidOf = (spec: ShimSpec) => Number(readFileSync(join(spec.dir, 'shim.pid'), 'utf8'));

describe('the shim', () => {
  let lab: ShimLab;
  before(() => (lab = new ShimLab()));
  after(() => lab.close());

  it('carries stdout and stderr as frames told apart, and stdin through to EOF', async () => {
    const spec = lab.spec(['sh', '-c', 'echo to-out; echo to-err >&2; cat; echo after-eof'], { openStdin: true, stdinOnce: true });
    const shim = await spawnShim(spec);
    const io = await shim.attach({ stdin: true, stdout: true, stderr: true });
    const output = collect(io);
    await shim.start();
    io.write('typed in\n');
    io.end(); // EOF: cat ends, and the program goes on
    const { stdout, stderr } = await output;
    assert.equal(stdout, 'to-out\ntyped in\nafter-eof\n');
    assert.equal(stderr, 'to-err\n');
    const record = await shim.exited;
    assert.equal(record.exitCode, 0);
    assert.equal(record.oomKilled, false);
    assert.match(record.startedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);
    assert.ok(record.finishedAt >= record.startedAt, 'finished after it started');
    assert.deepEqual(readExit(spec.dir), record, 'the same record on disk');
  });

  it('gives a TTY container /dev/pts/0 at the console size, and resize changes it', async () => {
    const spec = lab.spec(['sh', '-c', 'tty; stty size; read line; stty size'], { tty: true, openStdin: true, consoleSize: [24, 80] });
    const shim = await spawnShim(spec);
    const io = await shim.attach({ stdin: true, stdout: true, stderr: true });
    const frames = io.pipe(new FrameDecoder())[Symbol.asyncIterator]() as AsyncIterator<Frame>;
    await shim.start();
    const sofar = { text: '' };
    await readUntil(frames, /24 80\r\n/, sofar);
    assert.match(sofar.text, /^\/dev\/pts\/0\r\n24 80\r\n/, 'its own pty, at the size asked for, lines ending in \\r\\n');
    await shim.resize(30, 100);
    io.write('go\n');
    await readUntil(frames, /30 100\r\n/, sofar);
    assert.equal((await shim.exited).exitCode, 0);
    const log = readFileSync(spec.logPath, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { stream: string });
    assert.ok(log.length > 0 && log.every((entry) => entry.stream === 'stdout'), 'a terminal has one stream: stdout');
  });

  it("writes Docker's json-file log, read back with tail, since, a stream filter, and follow", async () => {
    const spec = lab.spec(['sh', '-c', 'echo one; echo two >&2; sleep 0.3; echo three; printf partial; sleep 0.3; echo " end"; printf last']);
    const shim = await spawnShim(spec);
    await shim.start();
    const followed: LogEntry[] = [];
    for await (const entry of readLogs(spec.logPath, { stdout: true, stderr: true, follow: { until: shim.exited } })) followed.push(entry);
    const lines = followed.map((e) => `${e.stream}:${e.log.toString()}`);
    assert.deepEqual(lines, ['stdout:one\n', 'stderr:two\n', 'stdout:three\n', 'stdout:partial end\n', 'stdout:last'],
      'lines as written; a line without its newline waits for it; the last one is logged at the end');

    const onDisk = readFileSync(spec.logPath, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>);
    for (const entry of onDisk) {
      assert.deepEqual(Object.keys(entry), ['log', 'stream', 'time']);
      assert.match(entry.time!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{1,9}Z$/, 'RFC 3339, to the nanosecond, trailing zeros dropped');
      assert.doesNotMatch(entry.time!, /0Z$/);
    }
    const read = async (query: Parameters<typeof readLogs>[1]) => {
      const got: string[] = [];
      for await (const entry of readLogs(spec.logPath, query)) got.push(entry.log.toString());
      return got;
    };
    assert.deepEqual(await read({ stdout: true, stderr: true, tail: 2 }), ['partial end\n', 'last']);
    assert.deepEqual(await read({ stdout: true, stderr: true, tail: 0 }), []);
    assert.deepEqual(await read({ stdout: false, stderr: true }), ['two\n']);
    assert.deepEqual(await read({ stdout: true, stderr: false, tail: 4 }), ['three\n', 'partial end\n', 'last'], 'tail counts both streams, as Docker does');
    // The API's since and until are fractional Unix seconds: a float holds them to a fraction of a microsecond.
    const seconds = (time: string) => {
      const [whole, fraction = '0'] = time.replace('Z', '').split('.');
      return Date.parse(`${whole}Z`) / 1000 + Number(`0.${fraction}`);
    };
    const third = seconds(followed[2]!.time);
    assert.deepEqual(await read({ stdout: true, stderr: true, since: third - 1e-6 }), ['three\n', 'partial end\n', 'last']);
    assert.deepEqual(await read({ stdout: true, stderr: true, until: seconds(followed[1]!.time) + 1e-6 }), ['one\n', 'two\n']);
  });

  it('sends output made while nobody is attached to the log only', async () => {
    const spec = lab.spec(['sh', '-c', 'echo early; sleep 1; echo late']);
    const shim = await spawnShim(spec);
    await shim.start();
    await waitUntil('"early" is logged', () => existsSync(spec.logPath) && readFileSync(spec.logPath, 'utf8').includes('early'));
    const { stdout } = await collect(await shim.attach({ stdin: false, stdout: true, stderr: true }));
    assert.equal(stdout, 'late\n', 'the attach sees what came after it');
    assert.match(readFileSync(spec.logPath, 'utf8'), /early[\s\S]*late/);
  });

  it('records exit codes: 42, and 137 for a kill, with oomKilled false; nonsense on its socket costs only that connection', async () => {
    const exits = lab.spec(['sh', '-c', 'exit 42']);
    const shim = await spawnShim(exits);
    await shim.start();
    assert.equal((await shim.exited).exitCode, 42);

    const sleeper = lab.spec(['sleep', '1000']);
    const killed = await spawnShim(sleeper);
    await killed.start();
    // Nonsense on the shim's socket costs that connection only; the shim serves on.
    assert.equal(await talk(join(sleeper.dir, 'shim.sock'), 'not json\n'), '', 'a line that is not JSON: hung up on');
    const unknown = JSON.parse(await talk(join(sleeper.dir, 'shim.sock'), '{"id":1,"op":"reboot"}\n')) as { error: { message: string } };
    assert.match(unknown.error.message, /unknown request "reboot"/);
    await assert.rejects(killed.kill('SIGNOPE'), /unknown signal/);
    await killed.kill('SIGKILL');
    assert.deepEqual({ ...(await killed.exited), startedAt: '', finishedAt: '' }, { exitCode: 137, oomKilled: false, startedAt: '', finishedAt: '' });
    await assert.rejects(killed.kill('TERM'), ConflictError, 'a container that has exited cannot be signalled');
  });

  it('records an OOM kill from the cgroup: 137 and oomKilled', async () => {
    const spec = lab.spec(['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=64M', 'count=1'], {
      configure: (config) => (config.linux!.resources = { ...config.linux!.resources, memory: { limit: 16 * MiB } }),
    });
    const shim = await spawnShim(spec);
    await shim.start();
    const record = await shim.exited;
    assert.equal(record.exitCode, 137);
    assert.equal(record.oomKilled, true);
  });

  it('execs: output and exit code, a terminal, and a missing program (127, in Docker words)', async () => {
    const spec = lab.spec(['sleep', '1000']);
    const shim = await spawnShim(spec);
    await shim.start();

    const run = await shim.exec({ args: ['sh', '-c', 'echo out; echo err >&2; cat; exit 3'] }, { tty: false, stdin: true });
    assert.ok(run.pid > 0 && run.pid !== shim.pid);
    const output = collect(run.io);
    run.io.end('in\n');
    assert.deepEqual(await output, { stdout: 'out\nin\n', stderr: 'err\n' });
    assert.equal(await run.exited, 3);

    const tty = await shim.exec({ args: ['sh', '-c', 'tty; stty size'] }, { tty: true, stdin: false, consoleSize: [7, 9] });
    const ttyOutput = await collect(tty.io);
    assert.match(ttyOutput.stdout, /^\/dev\/pts\/\d+\r\n7 9\r\n$/);
    assert.equal(ttyOutput.stderr, '');
    assert.equal(await tty.exited, 0);

    const missing = await shim.exec({ args: ['nope'] }, { tty: false, stdin: false });
    const said = await collect(missing.io);
    assert.equal(await missing.exited, 127);
    assert.equal(said.stdout, 'OCI runtime exec failed: exec failed: unable to start container process: exec: "nope": executable file not found in $PATH: unknown\r\n');

    await shim.kill('KILL');
    await shim.exited;
    await assert.rejects(shim.exec({ args: ['true'] }, { tty: false, stdin: false }), ConflictError, 'no exec into a container that has exited');
  });

  it('refuses a program that does not exist (127) or cannot run (126), leaving nothing behind', async () => {
    const missing = lab.spec(['nope']);
    await assert.rejects(spawnShim(missing), (err: RuntimeError) => {
      assert.ok(err instanceof RuntimeError);
      assert.equal(err.exitCode, 127);
      assert.match(err.message, /executable file not found/);
      return true;
    });
    writeFileSync(join(lab.rootfs, 'not-executable'), '#!/bin/sh\n');
    chmodSync(join(lab.rootfs, 'not-executable'), 0o644);
    const denied = lab.spec(['/not-executable']);
    await assert.rejects(spawnShim(denied), (err: RuntimeError) => err.exitCode === 126 && /permission denied/.test(err.message));
    for (const spec of [missing, denied]) {
      assert.deepEqual(cgroupDirsNamed(spec.id), []);
      assert.equal(existsSync(join(lab.stateRoot, spec.id)), false);
      await waitUntil('its shim has gone', () => !existsSync(join(spec.dir, 'shim.sock')));
    }
  });

  it('survives SIGKILL of the process that spawned it, and of its process group', async () => {
    const spec = lab.spec(['sh', '-c', 'echo started; sleep 1000']);
    // A separate Node process plays the daemon: it spawns the shim, starts the container, says so, and waits to be killed.
    const daemon = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `
      import { spawnShim } from ${JSON.stringify(new URL('../../chapters/03-daemon/shim/index.ts', import.meta.url).href)};
      const shim = await spawnShim(${JSON.stringify(spec)});
      await shim.start();
      console.log(shim.pid);
      setInterval(() => {}, 1000);
    `], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
    const containerPid = Number(await new Promise<string>((resolve) => daemon.stdout!.once('data', (d: Buffer) => resolve(d.toString()))));
    const shimPid = shimPidOf(spec);
    process.kill(-daemon.pid!, 'SIGKILL'); // the whole process group
    await new Promise((resolve) => daemon.once('exit', resolve));
    await sleep(200);
    assert.ok(alive(shimPid), 'the shim lives on');
    assert.ok(alive(containerPid), 'and so does the container');

    const shim = await connectShim(spec.dir);
    assert.ok(shim, 'a new "daemon" finds the shim');
    assert.equal(shim.pid, containerPid);
    const run = await shim.exec({ args: ['echo', 'still here'] }, { tty: false, stdin: false });
    assert.equal((await collect(run.io)).stdout, 'still here\n');
    await shim.kill('TERM'); // PID 1 has no handler: the kernel ignores it
    await sleep(100);
    assert.ok(alive(containerPid));
    await shim.kill('KILL');
    assert.equal((await shim.exited).exitCode, 137);
    assert.match(readFileSync(spec.logPath, 'utf8'), /"log":"started\\n"/, 'what it printed before is in its log');
    await lab.assertNothingLeft(spec, [shimPid, containerPid]);
    assert.equal(await connectShim(spec.dir), undefined, 'no shim answers for an exited container');
  });

  it('leaves nothing behind once a container has exited', async () => {
    const spec = lab.spec(['sh', '-c', 'sleep 1000 & sleep 1000 & echo forked']);
    const shim = await spawnShim(spec);
    const shimPid = shimPidOf(spec);
    const cgroups = cgroupDirsNamed(spec.id);
    assert.ok(cgroups.length > 0, 'it has cgroups while it lives');
    await shim.start();
    const record = await shim.exited;
    assert.equal(record.exitCode, 0);
    await lab.assertNothingLeft(spec, [shimPid, shim.pid]);
  });

  it('takes warm shims from a pool, and the pool lets its spare shims go on close', async () => {
    const pool = new ShimPool({ dir: join(lab.dir, 'warm'), size: 1 });
    try {
      const shims: Shim[] = [];
      for (const word of ['first', 'second']) {
        const spec = lab.spec(['sh', '-c', `echo ${word}; cat`], { openStdin: true, stdinOnce: true });
        const shim = await spawnShim(spec, { pool });
        const io = await shim.attach({ stdin: true, stdout: true, stderr: false });
        const output = collect(io);
        await shim.start();
        io.end('typed\n');
        assert.equal((await output).stdout, `${word}\ntyped\n`);
        assert.equal((await shim.exited).exitCode, 0);
        assert.equal(existsSync(join(spec.dir, 'shim.sock')), false);
        shims.push(shim);
      }
      await waitUntil('a spare shim is warm', () => readdirSync(join(lab.dir, 'warm')).length === 1);
    } finally {
      pool.close();
    }
    await waitUntil('the spare shim has gone', () => readdirSync(join(lab.dir, 'warm')).length === 0);
  });

  it('ends a shim whose launcher left before it was ready, long before its boot timeout', async () => {
    // As a daemon that exits while a spare boots: the status pipe's reading end is gone.
    const socket = join(lab.dir, 'orphan.sock');
    const main = join(import.meta.dirname, '../../chapters/03-daemon/shim/main.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', main, socket], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], detached: true });
    (child.stdio[3] as Duplex).destroy();
    const started = Date.now();
    const [code] = (await new Promise((resolve) => child.once('exit', (...args) => resolve(args)))) as [number | null];
    assert.equal(code, 1);
    assert.ok(Date.now() - started < 20_000, 'gone before the 30 s boot timeout');
    assert.equal(existsSync(socket), false, 'its socket removed');
  });

  it('ends a shim that cannot listen (its directory removed while it booted), long before its boot timeout', async () => {
    const socket = join(lab.dir, 'removed-dir', 'spare.sock');
    const main = join(import.meta.dirname, '../../chapters/03-daemon/shim/main.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', main, socket], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], detached: true });
    const started = Date.now();
    const [code] = (await new Promise((resolve) => child.once('exit', (...args) => resolve(args)))) as [number | null];
    assert.equal(code, 1);
    assert.ok(Date.now() - started < 20_000, 'gone before the 30 s boot timeout');
  });

  it('ends a shim whose launcher left after "ready" without connecting, long before its boot timeout', async () => {
    // As a daemon that exits between reading "ready" and connecting: the pipe's end closes with no owner.
    const socket = join(lab.dir, 'unclaimed.sock');
    const main = join(import.meta.dirname, '../../chapters/03-daemon/shim/main.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', main, socket], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], detached: true });
    const status = child.stdio[3] as Duplex;
    await new Promise<void>((resolve) => status.on('data', (text: Buffer) => text.toString().includes('ready') && resolve()));
    assert.equal(existsSync(socket), true, 'it listens');
    status.destroy();
    const started = Date.now();
    const [code] = (await new Promise((resolve) => child.once('exit', (...args) => resolve(args)))) as [number | null];
    assert.equal(code, 1);
    assert.ok(Date.now() - started < 20_000, 'gone before the 30 s boot timeout');
    assert.equal(existsSync(socket), false, 'its socket removed');
  });
});
