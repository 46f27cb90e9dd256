// The runtime as a library, as a long-lived process uses it (chapter 03's
// shim): the container's stdio held as pipes or as the pty master, its exit
// learnt through onExit, an init started ahead of time, exec with its stdio
// handed back instead of relayed, and the OOM killer's verdict read from the
// cgroup. What the container prints arrives on our streams; what we write
// reaches it.
import assert from 'node:assert/strict';

import type { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import {
  consoleStream, create, deleteContainer, exitStatus, makePipes, oomKilled, prestartInit, start, startExec, state,
  type ProcessExit,
} from '../../chapters/01-namespaces/index.ts';
import { Lab } from './helpers.ts';

/** Everything a stream delivers until it ends. */
function collect(stream: Readable): Promise<string> {
  let text = '';
  stream.setEncoding('utf8').on('data', (s: string) => (text += s));
  return new Promise((resolve, reject) => stream.on('end', () => resolve(text)).on('error', reject));
}

describe('the runtime as a library', () => {
  const lab = new Lab('library');
  after(() => lab.close());

  it('creates a container with pipes: stdin in, stdout and stderr apart, the exit through onExit', async () => {
    const id = lab.newId('pipes');
    const bundle = lab.bundle(['sh', '-c', 'ls -l /proc/self/fd/0 /proc/self/fd/1 | sed "s/.*-> //"; cat; echo oops >&2; exit 7']);
    const pipes = makePipes({ stdin: true });
    let onExit!: (exit: ProcessExit) => void;
    const exited = new Promise<ProcessExit>((resolve) => (onExit = resolve));
    const created = await create({ id, bundle: bundle.dir, stateRoot: lab.stateRoot, stdio: pipes.stdio, onExit });
    pipes.closeContainerEnds();
    const [out, err] = [collect(pipes.stdout), collect(pipes.stderr)];
    await start(id, { stateRoot: lab.stateRoot });
    pipes.stdin!.end('typed in\n');
    assert.equal(exitStatus(await exited), 7);
    const lines = (await out).split('\n');
    assert.match(lines[0]!, /^pipe:\[\d+\]$/, 'stdin is a pipe');
    assert.match(lines[1]!, /^pipe:\[\d+\]$/, 'stdout is a pipe, not a socket');
    assert.equal(lines[2], 'typed in', 'what we wrote came back through cat');
    assert.equal(await err, 'oops\n');
    assert.equal(state(id, { stateRoot: lab.stateRoot }).status, 'stopped');
    assert.equal(created.pid > 0, true);
    await deleteContainer(id, { stateRoot: lab.stateRoot });
  });

  it('takes an init started ahead of time, and hands over the terminal at the size asked for', async () => {
    const id = lab.newId('prestarted');
    const bundle = lab.bundle(['sh', '-c', 'tty; stty size; read line; echo "got:$line"'], (spec) => {
      spec.process.terminal = true;
    });
    const init = prestartInit(['ignore', 'ignore', 'ignore']);
    let master: number | undefined;
    let onExit!: (exit: ProcessExit) => void;
    const exited = new Promise<ProcessExit>((resolve) => (onExit = resolve));
    const created = await create({
      id, bundle: bundle.dir, stateRoot: lab.stateRoot, init, windowSize: [12, 34], onExit,
      onConsole: (fd) => (master = fd),
    });
    assert.equal(created.pid, init.pid, 'the prestarted init became the container');
    const terminal = consoleStream(master!);
    const output = collect(terminal);
    await start(id, { stateRoot: lab.stateRoot });
    terminal.write('hello\n');
    assert.equal(exitStatus(await exited), 0);
    // The terminal echoes what we typed, whenever it arrives: look for lines, not at positions.
    const lines = (await output).split('\r\n');
    assert.ok(lines.includes('/dev/pts/0'), JSON.stringify(lines));
    assert.ok(lines.includes('12 34'), 'the size asked for');
    assert.ok(lines.includes('got:hello'), 'what we typed reached the program');
    await deleteContainer(id, { stateRoot: lab.stateRoot });
  });

  it('execs with pipes, with a terminal handed back, and refuses a missing program with 127', async () => {
    const id = lab.newId('exec');
    const bundle = lab.bundle(['sleep', '1000']);
    await create({ id, bundle: bundle.dir, stateRoot: lab.stateRoot, stdio: ['ignore', 'ignore', 'ignore'] });
    await start(id, { stateRoot: lab.stateRoot });

    const pipes = makePipes({ stdin: false });
    const started = await startExec(id, { args: ['sh', '-c', 'echo pid=$$; echo err >&2; exit 3'] }, { stateRoot: lab.stateRoot, stdio: pipes.stdio });
    pipes.closeContainerEnds();
    const [out, err] = [collect(pipes.stdout), collect(pipes.stderr)];
    assert.equal(exitStatus(await started.exited), 3);
    assert.match(await out, /^pid=\d+\n$/);
    assert.equal(await err, 'err\n');

    let master: number | undefined;
    const tty = await startExec(id, { args: ['sh', '-c', 'tty; stty size'], terminal: true }, {
      stateRoot: lab.stateRoot, windowSize: [5, 6], onConsole: (fd) => (master = fd),
    });
    const output = collect(consoleStream(master!));
    assert.equal(exitStatus(await tty.exited), 0);
    assert.match(await output, /^\/dev\/pts\/\d+\r\n5 6\r\n$/);

    await assert.rejects(startExec(id, { args: ['nope'] }, { stateRoot: lab.stateRoot, stdio: ['ignore', 'ignore', 'ignore'] }), (err: Error & { exitCode?: number }) => {
      assert.equal(err.exitCode, 127);
      assert.match(err.message, /executable file not found/);
      return true;
    });
    await deleteContainer(id, { force: true, stateRoot: lab.stateRoot });
  });

  it('tells an OOM kill from a plain kill -9', async () => {
    const oomId = lab.newId('oom');
    const hog = lab.bundle(['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=64M', 'count=1'], (spec) => {
      spec.linux.resources = { ...spec.linux.resources, memory: { limit: 32 * 1024 * 1024 } };
    });
    let onExit!: (exit: ProcessExit) => void;
    const exited = new Promise<ProcessExit>((resolve) => (onExit = resolve));
    await create({ id: oomId, bundle: hog.dir, stateRoot: lab.stateRoot, stdio: ['ignore', 'ignore', 'ignore'], onExit });
    await start(oomId, { stateRoot: lab.stateRoot });
    assert.equal(exitStatus(await exited), 137);
    assert.equal(oomKilled(oomId, { stateRoot: lab.stateRoot }), true);
    await deleteContainer(oomId, { stateRoot: lab.stateRoot });

    const killedId = lab.newId('killed');
    let onKilled!: (exit: ProcessExit) => void;
    const killed = new Promise<ProcessExit>((resolve) => (onKilled = resolve));
    const sleeper = await create({ id: killedId, bundle: lab.bundle(['sleep', '1000']).dir, stateRoot: lab.stateRoot, stdio: ['ignore', 'ignore', 'ignore'], onExit: onKilled });
    await start(killedId, { stateRoot: lab.stateRoot });
    process.kill(sleeper.pid, 'SIGKILL');
    assert.equal(exitStatus(await killed), 137);
    assert.equal(oomKilled(killedId, { stateRoot: lab.stateRoot }), false);
    await deleteContainer(killedId, { stateRoot: lab.stateRoot });
  });
});


