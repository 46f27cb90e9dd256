// The build cache: unchanged steps are reused (same image id), a changed
// copied file rebuilds from its step on, --no-cache rebuilds everything,
// and the cache survives garbage collection of unrelated images.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { EngineLab } from './engine-lab.ts';

let lab: EngineLab;
let ctx: string;

const DOCKERFILE = [
  'FROM busybox',
  'ENV STAGE=one',
  'COPY first.txt /first.txt',
  'RUN echo ran > /ran-$(date +%s%N)',
  'COPY second.txt /second.txt',
  'CMD ["cat", "/first.txt", "/second.txt"]',
].join('\n');

/** For each step, whether it was reused: true (cache), false (ran). FROM is left out. */
function cacheUse(output: string): boolean[] {
  return output
    .split(/^Step \d+\/\d+ : /m)
    .slice(2)
    .map((step) => step.includes(' ---> Using cache\n'));
}

const builtId = (output: string): string => /Successfully built ([0-9a-f]{12})/.exec(output)![1];

before(() => {
  lab = new EngineLab();
  lab.importBusybox();
  ctx = lab.context('ctx-cache', { Dockerfile: DOCKERFILE, 'first.txt': 'first\n', 'second.txt': 'second\n' });
});

after(() => lab.close());

test('a second build with nothing changed reuses every step and gives the same image', () => {
  const first = lab.ok(['build', '-t', 'cached', ctx]);
  assert.deepEqual(cacheUse(first), [false, false, false, false, false]);
  const second = lab.ok(['build', '-t', 'cached', ctx]);
  assert.deepEqual(cacheUse(second), [true, true, true, true, true]);
  assert.equal(builtId(second), builtId(first));
  assert.equal(lab.ok(['run', '--rm', 'cached']), 'first\nsecond\n');
});

test('changing one copied file rebuilds from that step on', () => {
  const before = lab.ok(['build', '-t', 'cached', ctx]);
  writeFileSync(join(ctx, 'second.txt'), 'second, changed\n');
  const changedLate = lab.ok(['build', '-t', 'cached', ctx]);
  assert.deepEqual(cacheUse(changedLate), [true, true, true, false, false]);
  assert.notEqual(builtId(changedLate), builtId(before));
  assert.equal(lab.ok(['run', '--rm', 'cached']), 'first\nsecond, changed\n');

  writeFileSync(join(ctx, 'first.txt'), 'first, changed\n');
  const changedEarly = lab.ok(['build', '-t', 'cached', ctx]);
  assert.deepEqual(cacheUse(changedEarly), [true, false, false, false, false]);
  assert.equal(lab.ok(['run', '--rm', 'cached']), 'first, changed\nsecond, changed\n');
});

test('a changed --build-arg misses from the first step that uses it; --no-cache runs every step', () => {
  const base = lab.context('ctx-args', { Dockerfile: 'FROM busybox\nARG V=1\nRUN echo $V > /v\n' });
  lab.ok(['build', '-t', 'args', base]);
  assert.deepEqual(cacheUse(lab.ok(['build', '-t', 'args', base])), [true, true]);
  // As in Docker's legacy builder: the ARG step records the Dockerfile's default, so it still hits;
  // the RUN step, whose history row carries the value used (|1 V=2), misses.
  assert.deepEqual(cacheUse(lab.ok(['build', '-t', 'args', '--build-arg', 'V=2', base])), [true, false]);
  assert.equal(lab.ok(['run', '--rm', 'args', 'cat', '/v']), '2\n');
  assert.deepEqual(cacheUse(lab.ok(['build', '--no-cache', '-t', 'args', base])), [false, false]);
});

test('the cache outlives garbage collection of other images, and not of its own layers', () => {
  lab.ok(['build', '-t', 'cached', ctx]);
  lab.ok(['build', '-t', 'args', lab.context('ctx-args', {})]);
  lab.ok(['rmi', 'args']);
  lab.ok(['image', 'prune', '-f']);
  assert.deepEqual(cacheUse(lab.ok(['build', '-t', 'cached', ctx])), [true, true, true, true, true]);
  lab.ok(['rmi', 'cached']);
  lab.ok(['image', 'prune', '-f']);
  assert.deepEqual(cacheUse(lab.ok(['build', '-t', 'cached', ctx])), [true, false, false, false, false]);
});
