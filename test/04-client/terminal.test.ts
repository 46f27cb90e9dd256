// `skiff run -it` in a real terminal: tmux gives the client a pty of its own
// (with a window that can be resized), and the test types into it and reads
// the screen back, as a person would. It types a command and reads its
// output, resizes the window and sees `stty size` change inside the
// container, detaches with ctrl-p ctrl-q, re-attaches, exits, and checks
// that the terminal's settings are what they were before.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { makeTempDir, removeTempDir } from '../helpers/rootfs.ts';
import { skiffCommand, startTarget, type Target } from './target.ts';

let target: Target;
let work: string;
const server = `skiff-pty-${process.pid}`;

const tmux = (...args: string[]) => {
  const result = spawnSync('tmux', ['-L', server, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
};
const screen = () => tmux('capture-pane', '-p', '-J', '-S', '-200', '-t', 'main');
const type = (...keys: string[]) => tmux('send-keys', '-t', 'main', ...keys);

/** Waits until the screen shows `pattern` (tmux draws asynchronously). */
async function waitFor(pattern: RegExp, what: string): Promise<string> {
  for (let i = 0; i < 150; i++) {
    const text = screen();
    if (pattern.test(text)) return text;
    await sleep(100);
  }
  throw new Error(`the screen never showed ${what}:\n${screen()}`);
}

before(async () => {
  target = await startTarget();
  work = makeTempDir('skiff-pty-');
  // A plain sh in a 100x30 window, in the work directory, pointed at the daemon.
  tmux('new-session', '-d', '-s', 'main', '-x', '100', '-y', '30', '-c', work, `env DOCKER_HOST=${target.host} PS1='host$ ' sh`);
  await waitFor(/host\$ ?$/m, 'the host prompt');
  // SKIFF_PTY_CLI=docker runs the same session with the docker CLI, to see that the test asks for docker's behaviour.
  type(`alias skiff='${process.env.SKIFF_PTY_CLI ?? skiffCommand()}'`, 'Enter');
  type('stty -g > before.stty', 'Enter');
});
after(async () => {
  spawnSync('tmux', ['-L', server, 'kill-server']);
  await target?.stop();
  if (work) removeTempDir(work);
});

describe('skiff run -it in a terminal', () => {
  it('types, resizes, detaches, re-attaches, exits, and leaves the terminal as it was', async () => {
    type('clear; skiff run -it --name tty1 busybox sh', 'Enter');
    await waitFor(/^\/ # ?$/m, 'the container prompt');

    type('echo answer-$((6*7))', 'Enter');
    await waitFor(/^answer-42$/m, 'the command output');
    type('tty; stty size', 'Enter');
    await waitFor(/^\/dev\/pts\/0\n30 100$/m, 'a pts and the window size, 30 rows by 100 columns');

    tmux('resize-window', '-t', 'main', '-x', '120', '-y', '40');
    await sleep(300);
    type('stty size', 'Enter');
    await waitFor(/^40 120$/m, 'the new size after the window was resized');

    type('C-p', 'C-q');
    await waitFor(/host\$ ?$/m, 'the host prompt after detaching');
    assert.equal(target.docker(['inspect', '-f', '{{.State.Running}}', 'tty1']).stdout.trim(), 'true', 'the container runs on after a detach');
    type('clear; stty -g > detached.stty; echo detached-rc=$?', 'Enter');
    await waitFor(/detached-rc=0/, 'a shell that works');
    assert.equal(readFileSync(join(work, 'detached.stty'), 'utf8'), readFileSync(join(work, 'before.stty'), 'utf8'), 'raw mode undone after detaching');

    type('clear; skiff attach tty1', 'Enter');
    await sleep(500);
    type('echo back-$((1+1))', 'Enter');
    await waitFor(/^back-2$/m, 'output after re-attaching');
    type('exit 3', 'Enter');
    await waitFor(/host\$ ?$/m, 'the host prompt after the container exited');
    type('echo attach-rc=$?', 'Enter');
    await waitFor(/attach-rc=3/, "attach ending with the container's exit code");

    type('stty -g > after.stty', 'Enter');
    await sleep(300);
    assert.equal(readFileSync(join(work, 'after.stty'), 'utf8'), readFileSync(join(work, 'before.stty'), 'utf8'), 'terminal settings restored after exit');
    target.docker(['rm', '-f', 'tty1']);
  });

  it('exec -it gets a terminal of its own and its exit code', async () => {
    target.docker(['run', '-d', '--name', 'tty2', 'busybox', 'sleep', '300']);
    type('clear; skiff exec -it tty2 sh', 'Enter');
    await waitFor(/^\/ # ?$/m, 'the exec prompt');
    type('tty; exit 4', 'Enter');
    await waitFor(/host\$ ?$/m, 'the host prompt after the exec exited');
    type('echo exec-rc=$?', 'Enter');
    const text = await waitFor(/exec-rc=4/, "exec's exit code");
    assert.match(text, /^\/dev\/pts\/\d+$/m);
    target.docker(['rm', '-f', 'tty2']);
  });

  it('run -it --rm under script(1): ctrl-c goes to the container as a byte, and its exit code comes back', async () => {
    const child = spawn('script', ['-qec', `${skiffCommand()} run -it --rm busybox sh -c 'trap "echo got-INT; exit 9" INT; echo ready; sleep 30 & wait'`, '/dev/null'], {
      env: { ...process.env, DOCKER_HOST: target.host }, stdio: ['pipe', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready') && !output.includes('\x03sent')) {
        output += '\x03sent';
        child.stdin.write('\x03');
      }
    });
    const [code] = (await once(child, 'close')) as [number];
    assert.match(output, /got-INT/);
    assert.equal(code, 9);
  });
});
