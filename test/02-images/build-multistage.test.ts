// Multi-stage builds with `skiff-engine build`: FROM … AS name, COPY --from
// a stage (by name or position) or an image, FROM an earlier stage, ARGs
// before the first FROM used in FROM lines, --target, and stages the target
// does not need left unbuilt. Checked by running the images made, and by
// the refusals Docker gives, with the Dockerfile line.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EngineLab } from './engine-lab.ts';

let lab: EngineLab;

before(() => {
  lab = new EngineLab();
  lab.importBusybox();
});

after(() => lab.close());

interface Inspected { Id: string; Config: { Cmd: string[] | null; Env: string[]; Labels: Record<string, string> | null }; RootFS: { Layers: string[] } }
const inspect = (name: string): Inspected => (JSON.parse(lab.ok(['inspect', name])) as Inspected[])[0];

const MULTISTAGE = [
  'ARG BASE=busybox',
  'FROM $BASE AS Builder',
  'ARG GREETING=hi',
  'RUN mkdir -p /out/sub && echo "$GREETING" > /out/greeting && echo app > /out/sub/app \\',
  '    && chown -R 1000:1000 /out && chmod 600 /out/sub/app && ln -s sub/app /out/link',
  'FROM busybox AS broken',
  'RUN echo the broken stage ran && exit 1',
  'FROM ${BASE} AS assembled',
  'COPY --from=builder /out/greeting /greeting',
  'COPY --from=0 /out/ /by-index/',
  'COPY --from=builder /out/link /followed',
  'COPY --from=busybox /bin/busybox /from-image',
  'COPY local.txt /',
  'FROM assembled AS final',
  'LABEL stage=final',
  'CMD ["cat", "/greeting", "/local.txt"]',
].join('\n');

describe('multi-stage builds', () => {
  let ctx: string;
  let output: string;

  before(() => {
    ctx = lab.context('ctx-multi', { Dockerfile: MULTISTAGE, 'local.txt': 'from the context\n' });
    output = lab.ok(['build', '-t', 'multi', '--build-arg', 'GREETING=hello', ctx]);
  });

  test('COPY --from a stage by name and by position, and from an image; FROM an earlier stage', () => {
    assert.equal(lab.ok(['run', '--rm', 'multi']), 'hello\nfrom the context\n');
    const listing = lab.ok(['run', '--rm', 'multi', 'sh', '-c', 'cat /by-index/sub/app /followed; stat -c "%u:%g %a %n" /by-index/greeting /by-index/sub/app /followed']);
    // Owners and modes are kept from the stage (COPY --from, without --chown); a link named as the source is followed.
    assert.equal(listing, 'app\napp\n1000:1000 644 /by-index/greeting\n1000:1000 600 /by-index/sub/app\n1000:1000 600 /followed\n');
    assert.equal(lab.ok(['run', '--rm', 'multi', 'cmp', '/from-image', '/bin/busybox']), '');
    const image = inspect('multi');
    assert.deepEqual(image.Config.Labels, { stage: 'final' });
    // The final image holds the layers of its own chain only: busybox, then five COPYs.
    assert.equal(image.RootFS.Layers.length, 6);
  });

  test('a stage nothing needs is not built; steps keep their numbers in the Dockerfile', () => {
    assert.doesNotMatch(output, /the broken stage ran/);
    assert.match(output, /^Step 1\/15 : ARG BASE=busybox\nStep 2\/15 : FROM \$BASE AS Builder\n/);
    assert.match(output, /\nSkipping stage broken: the target stage does not need it\nStep 7\/15 : FROM \$\{BASE\} AS assembled\n/);
    assert.doesNotMatch(output, /Step [56]\/15/);
    assert.match(output, /Step 13\/15 : FROM assembled AS final\n ---> [0-9a-f]{12}\n/);
  });

  test('--target builds up to a stage and stops there', () => {
    const out = lab.ok(['build', '--target', 'Builder', '-t', 'just-builder', ctx]);
    assert.match(out, /^Step 1\/4 : ARG BASE=busybox\n/);
    assert.match(out, /Step 4\/4 : RUN mkdir/);
    assert.doesNotMatch(out, /Step [5-9]|assembled|Skipping/);
    assert.equal(lab.ok(['run', '--rm', 'just-builder', 'cat', '/out/greeting']), 'hi\n');
    // A stage after the target, even a broken one, is never reached.
    const broken = lab.engine(['build', '--target', 'broken', ctx]);
    assert.equal(broken.code, 1);
    assert.match(broken.stdout, /^Step 1\/6 : ARG BASE=busybox\nSkipping stage builder: the target stage does not need it\nStep 5\/6 : FROM busybox AS broken\n[^]*the broken stage ran/);
    assert.match(broken.stderr, /^Error: Dockerfile line 7: The command '\/bin\/sh -c echo the broken stage ran && exit 1' returned a non-zero code: 1$/m);
  });

  test('a rebuild takes every step from the cache, and a change in a source stage reaches the final image', () => {
    const again = lab.ok(['build', '-t', 'multi', '--build-arg', 'GREETING=hello', ctx]);
    assert.equal(again.match(/ ---> Running in /g), null);
    assert.equal(/Successfully built ([0-9a-f]{12})/.exec(again)![1], inspect('multi').Id.slice(7, 19));
    const changed = lab.ok(['build', '-t', 'multi-changed', '--build-arg', 'GREETING=bonjour', ctx]);
    assert.match(changed, / ---> Running in /);
    assert.equal(lab.ok(['run', '--rm', 'multi-changed', 'cat', '/greeting']), 'bonjour\n');
  });
});

describe('multi-stage mistakes are refused with Docker\'s words and the line', () => {
  const refused = (name: string, dockerfile: string, args: string[] = []) => {
    const ctx = lab.context(name, { Dockerfile: dockerfile });
    const imagesBefore = lab.ok(['images', '-q']);
    const r = lab.engine(['build', ...args, ctx]);
    assert.equal(r.code, 1, r.stdout);
    assert.equal(lab.ok(['images', '-q']), imagesBefore, 'no image named');
    assert.deepEqual(lab.activeSnapshots(), [], 'no snapshot left active');
    assert.deepEqual(lab.mounts(), [], 'nothing left mounted');
    return r.stderr;
  };

  test('--from a stage that does not exist: the name is taken as an image, which is not there', () => {
    assert.match(
      refused('bad-from', 'FROM busybox AS one\nFROM busybox\nCOPY --from=nosuchstage /x /y\n'),
      /^Error: Dockerfile line 3: invalid from flag value nosuchstage: .*No such image: nosuchstage$/m,
    );
  });

  test('--from a position that is this stage or no stage', () => {
    assert.match(refused('from-self', 'FROM busybox\nCOPY --from=0 /bin/sh /y\n'), /^Error: Dockerfile line 2: invalid from flag value 0: refers to current build stage$/m);
    assert.match(refused('from-ahead', 'FROM busybox\nCOPY --from=3 /bin/sh /y\n'), /^Error: Dockerfile line 2: invalid from flag value 3: index out of bounds$/m);
  });

  test('--target naming no stage', () => {
    assert.match(refused('bad-target', 'FROM busybox AS a\nRUN true\n', ['--target', 'nosuch']), /^Error: failed to reach build target nosuch in Dockerfile$/m);
  });

  test('a stage name used twice (names are case-insensitive), and names Docker does not allow', () => {
    assert.match(refused('dup-stage', 'FROM busybox AS Same\nRUN true\nFROM busybox AS same\n'), /^Error: Dockerfile line 3: a stage name already used$/m);
    assert.match(
      refused('bad-name', 'FROM busybox AS 1st\n'),
      /^Error: Dockerfile line 1: invalid name for build stage: "1st", name can't start with a number or contain symbols$/m,
    );
    assert.match(refused('bad-as', 'FROM busybox LIKE x\n'), /^Error: Dockerfile line 1: FROM requires either one or three arguments$/m);
  });

  test('flags the legacy builder does not take are refused, never ignored', () => {
    assert.match(refused('add-from', 'FROM busybox\nADD --from=0 /bin/sh /y\n'), /^Error: Dockerfile line 2: Unknown flag: from$/m);
    assert.match(refused('run-network', 'FROM busybox\nRUN --network=host true\n'), /^Error: Dockerfile line 2: Unknown flag: network$/m);
    assert.match(refused('from-no-value', 'FROM busybox AS a\nFROM busybox\nCOPY --from /a /b\n'), /^Error: Dockerfile line 3: Missing a value on flag: from$/m);
  });
});

test('an unused stage that copies from a missing image is not even looked at', () => {
  const ctx = lab.context('ctx-unused-missing', {
    Dockerfile: 'FROM busybox AS unused\nCOPY --from=not-in-the-store /x /y\nFROM busybox\nRUN echo built > /built\n',
  });
  lab.ok(['build', '-t', 'unused-missing', ctx]);
  assert.equal(lab.ok(['run', '--rm', 'unused-missing', 'cat', '/built']), 'built\n');
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM busybox AS used\nCOPY --from=not-in-the-store /x /y\nFROM busybox\nCOPY --from=used /y /z\n');
  assert.match(lab.engine(['build', ctx]).stderr, /line 2: invalid from flag value not-in-the-store: .*No such image/);
});
