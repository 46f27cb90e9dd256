// SKIFF_TRACE=1: the runtime and its init each report the milestones of a
// container's start on stderr, on one clock, so that a reader can see where
// the time goes. (skiff-runtime's own switch: runc has no equivalent.) Only
// the order of events is checked, never their durations.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Lab } from './helpers.ts';

interface TraceLine {
  ms: number;
  who: string;
  what: string;
}

function traceLines(stderr: string): TraceLine[] {
  return stderr
    .split('\n')
    .map((line) => /^skiff-trace +(-?[\d.]+) ms +(\S+) +(.+)$/.exec(line))
    .filter((match) => match !== null)
    .map((match) => ({ ms: Number(match[1]), who: match[2]!, what: match[3]! }));
}

describe('SKIFF_TRACE', () => {
  const lab = new Lab('trace');
  after(() => lab.close());

  it('reports the milestones of both processes, in order, and changes nothing else', () => {
    const bundle = lab.bundle(['sh', '-c', 'echo hello; exit 3']);
    const r = lab.runtime(['run', lab.newId('trace'), '--bundle', bundle.dir], { env: { ...process.env, SKIFF_TRACE: '1' } });
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, 'hello\n');
    const trace = traceLines(r.stderr);
    assert.equal(trace.length, r.stderr.trim().split('\n').length, `every stderr line is a trace line: ${r.stderr}`);

    const when = (who: string, what: RegExp) => {
      const line = trace.find((t) => t.who === who && what.test(t.what));
      assert.ok(line, `a ${who} line matching ${what} in:\n${r.stderr}`);
      return line.ms;
    };
    const order = [
      when('runtime', /node process began/),
      when('runtime', /init spawned/),
      when('init', /config received/),
      when('init', /ready/),
      when('runtime', /init ready/),
      when('init', /execve/),
      when('runtime', /program exited/),
      when('runtime', /deleted/),
    ];
    assert.deepEqual(order, [...order].sort((a, b) => a - b), `milestones in order: ${order.join(', ')}`);
    assert.ok(when('init', /node process began/) >= when('runtime', /node process began/));
  });

  it('is silent when off', () => {
    const bundle = lab.bundle(['true']);
    const env = { ...process.env };
    delete env.SKIFF_TRACE;
    const r = lab.runtime(['run', lab.newId('quiet'), '--bundle', bundle.dir], { env });
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
  });
});
