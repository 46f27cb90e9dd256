// A foreground `run` stands in for its container: stdin, stdout and stderr go
// straight through, the program's exit code (or 128 + the signal that killed
// it) becomes the runtime's, and signals sent to the runtime reach the
// program.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Lab } from './helpers.ts';

/** A PID 1 that reports the signals it gets and exits 5 on SIGTERM (init ignores signals it has no handler for). */
const signalReporter = [
  'trap "echo got-usr1" USR1',
  'trap "echo got-term; exit 5" TERM',
  'echo ready',
  // wait is interruptible by a trapped signal; a plain sleep in the foreground is not
  'while :; do sleep 1 & wait $!; done',
].join('\n');

describe('a foreground run', () => {
  const lab = new Lab('foreground');
  after(() => lab.close());

  it("exits with the program's exit code", () => {
    for (const code of [0, 1, 42, 255]) {
      const r = lab.runtime(['run', lab.newId('code'), '--bundle', lab.bundle(['sh', '-c', `exit ${code}`]).dir]);
      assert.equal(r.code, code, r.stderr);
    }
  });

  it('passes stdin through and keeps stdout and stderr apart', () => {
    const bundle = lab.bundle(['sh', '-c', 'read line; echo "out: $line"; echo "err: $line" >&2; cat']);
    const r = lab.runtime(['run', lab.newId('stdio'), '--bundle', bundle.dir], { input: 'first line\nthe rest\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'out: first line\nthe rest\n');
    assert.equal(r.stderr, 'err: first line\n');
  });

  it('forwards the signals it gets to the program', async () => {
    const running = lab.spawn(['run', lab.newId('sig'), '--bundle', lab.bundle(['sh', '-c', signalReporter]).dir]);
    await running.waitForLine(/^ready$/);
    running.child.kill('SIGUSR1');
    await running.waitForLine(/^got-usr1$/);
    running.child.kill('SIGTERM');
    const r = await running.done;
    assert.equal(r.stdout, 'ready\ngot-usr1\ngot-term\n');
    assert.equal(r.code, 5, r.stderr);
  });

  it('`kill <id>` sends SIGTERM by default, and `kill <id> KILL` ends it with 128 + 9', async () => {
    const id = lab.newId('kill');
    const running = lab.spawn(['run', id, '--bundle', lab.bundle(['sh', '-c', 'trap "echo got-term" TERM\n' + signalReporter.split('\n').slice(2).join('\n')]).dir]);
    await running.waitForLine(/^ready$/);
    assert.equal(lab.runtime(['kill', id]).code, 0);
    await running.waitForLine(/^got-term$/);
    assert.equal(lab.runtime(['kill', id, 'SIGKILL']).code, 0, 'signal names are accepted with the SIG prefix too');
    const r = await running.done;
    assert.equal(r.code, 137, r.stderr);
  });
});
