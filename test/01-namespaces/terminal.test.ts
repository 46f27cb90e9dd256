// `terminal: true` (and `run -t`): the container gets a pseudo-terminal of its
// own as stdin, stdout and stderr; the runtime relays it to its own terminal,
// passes the window size, and leaves its terminal as it found it. The runtime
// needs a terminal to begin with, so it runs under `script` (util-linux),
// which gives it one; `stty` sets that terminal's size first.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Lab } from './helpers.ts';
import { runtimeCommand } from '../helpers/executables.ts';
import { makeBusyboxRootfs } from '../helpers/rootfs.ts';

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** What a program sees of its terminal, then one line read from it. */
const TERMINAL_PROBE = 'tty; stty size; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo all-three-tty; read line; echo "got:$line"; exit 3';

interface TerminalRun {
  /** The lines printed, carriage returns dropped. */
  lines: string[];
  /** What the runtime wrote to its terminal, byte for byte. */
  output: string;
  /** Whether the terminal settings were the same before and after. */
  restored: boolean;
  code: string | undefined;
}

/**
 * Runs the runtime (or `argv`) in a fresh terminal of 33 rows and 101
 * columns, typing `input`.
 */
function underTerminal(lab: Lab, args: string[], input: string, argv = [...runtimeCommand(), '--root', lab.stateRoot, ...args]): TerminalRun {
  const session = `stty rows 33 cols 101; echo "before:$(stty -g)"; ${argv.map(quote).join(' ')}; echo "code:$?"; echo "after:$(stty -g)"`;
  const r = spawnSync('script', ['-qec', session, '/dev/null'], { input, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  const lines = r.stdout.replace(/\r/g, '').split('\n');
  const value = (key: string) => lines.find((l) => l.startsWith(`${key}:`))?.slice(key.length + 1);
  const output = r.stdout.slice(r.stdout.indexOf('\n', r.stdout.indexOf('before:')) + 1, r.stdout.lastIndexOf('code:'));
  return { lines, output, restored: value('before') !== undefined && value('before') === value('after'), code: value('code') };
}

describe('a container with a terminal', () => {
  const lab = new Lab('terminal');
  after(() => lab.close());

  it('from a bundle with terminal: true', () => {
    const bundle = lab.bundle(['sh', '-c', TERMINAL_PROBE], (spec) => {
      spec.process.terminal = true;
    });
    const t = underTerminal(lab, ['run', lab.newId('tty'), '--bundle', bundle.dir], 'hello\n');
    assert.ok(t.lines.includes('/dev/pts/0'), `its own pty, the first of its devpts: ${JSON.stringify(t.lines)}`);
    assert.ok(t.lines.includes('33 101'), 'the window size passed in');
    assert.ok(t.lines.includes('all-three-tty'));
    assert.ok(t.lines.includes('got:hello'), 'keyboard input relayed');
    assert.equal(t.code, '3', "the program's exit code");
    assert.ok(t.restored, 'the terminal settings are restored');
  });

  it('from run --rootfs -t', () => {
    const rootfs = makeBusyboxRootfs(join(lab.dir, 'rootfs'));
    const t = underTerminal(lab, ['run', '--rootfs', rootfs, '-t', '--', 'sh', '-c', TERMINAL_PROBE], 'typed\n');
    assert.ok(t.lines.includes('/dev/pts/0'), JSON.stringify(t.lines));
    assert.ok(t.lines.includes('33 101'));
    assert.ok(t.lines.includes('got:typed'));
    assert.equal(t.code, '3');
    assert.ok(t.restored);
  });

  // `script` types a NUL when its input ends, which the container's terminal
  // echoes as "^@" unless the program has turned echo off first.
  const printed = (run: TerminalRun) => run.output.replace(/\^@/g, '');

  it('prints the program\'s lines with one "\\r\\n" each, byte for byte as runc does', () => {
    const bundle = lab.bundle(['sh', '-c', "stty -echo; printf 'one\\ntwo\\n'"], (spec) => {
      spec.process.terminal = true;
    });
    const ours = underTerminal(lab, ['run', lab.newId('crlf'), '--bundle', bundle.dir], '');
    assert.equal(printed(ours), 'one\r\ntwo\r\n', 'the newline made "\\r\\n" once, not twice');
    assert.equal(ours.code, '0');
    assert.ok(ours.restored);
    const runc = ['runc', '--root', join(lab.dir, 'runc-state'), 'run', '--bundle', bundle.dir, lab.newId('crlf-runc')];
    assert.equal(printed(underTerminal(lab, [], '', runc)), printed(ours));
  });

  it("follows the container's own terminal settings: after stty -onlcr, a bare \"\\n\"", () => {
    // (runc differs here: it clears onlcr in the container's terminal from the
    // start and converts on the host's side, so a program cannot turn it off.)
    const bundle = lab.bundle(['sh', '-c', "stty -echo; printf 'one\\n'; stty -onlcr; printf 'two\\n'; stty onlcr; printf 'three\\n'"], (spec) => {
      spec.process.terminal = true;
    });
    const t = underTerminal(lab, ['run', lab.newId('onlcr'), '--bundle', bundle.dir], '');
    assert.equal(printed(t), 'one\r\ntwo\nthree\r\n');
    assert.ok(t.restored);
  });

  it('exec -t into a detached container', () => {
    const id = lab.newId('exec-tty');
    lab.startDetached(id, lab.bundle(['sleep', '1000']));
    const t = underTerminal(lab, lab.execArgs(id, ['sh', '-c', TERMINAL_PROBE], ['-t']), 'from exec\n');
    assert.ok(t.lines.some((l) => /^\/dev\/pts\/\d+$/.test(l)), JSON.stringify(t.lines));
    assert.ok(t.lines.includes('33 101'));
    assert.ok(t.lines.includes('got:from exec'));
    assert.equal(t.code, '3');
    assert.ok(t.restored);
    assert.equal(lab.runtime(['delete', '--force', id]).code, 0);
  });
});
