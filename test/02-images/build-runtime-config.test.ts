// SHELL, STOPSIGNAL, HEALTHCHECK and ONBUILD with `skiff-engine build`:
// recorded in the image config and its history exactly as Docker's legacy
// builder records them (the values below are what dockerd 20.10 wrote for
// the same Dockerfiles; build-dockerd.test.ts compares the two live), SHELL
// seen at work in RUN and in the container, ONBUILD triggers seen firing
// in the image built FROM the one that has them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EngineLab } from './engine-lab.ts';

let lab: EngineLab;

before(() => {
  lab = new EngineLab();
  lab.importBusybox();
});

after(() => lab.close());

interface Config {
  Cmd: string[] | null;
  Entrypoint: string[] | null;
  Env: string[];
  Shell?: string[];
  StopSignal?: string;
  Healthcheck?: Record<string, unknown>;
  OnBuild: string[] | null;
}
const config = (name: string): Config => (JSON.parse(lab.ok(['inspect', name])) as Array<{ Config: Config }>)[0].Config;

/** CREATED BY of every row, newest first, as `history --no-trunc` prints them. */
function createdBy(name: string): string[] {
  const [header, ...rows] = lab.ok(['history', '--no-trunc', name]).trimEnd().split('\n');
  const from = header.indexOf('CREATED BY');
  const to = header.indexOf('SIZE');
  return rows.map((row) => row.slice(from, to).trim());
}

const build = (name: string, files: Record<string, string>, tag = name) => lab.ok(['build', '-t', tag, lab.context(name, files)]);

describe('SHELL', () => {
  test('changes how RUN, CMD and ENTRYPOINT shell forms are wrapped, and the history rows', () => {
    const out = lab.engine(['build', '-t', 'shelled', lab.context('ctx-shell', {
      Dockerfile: 'FROM busybox\nSHELL ["/bin/sh", "-xc"]\nRUN echo ran > /ran\nCMD echo from-cmd\nENTRYPOINT echo from-entrypoint\n',
    })]);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stderr, /^\+ echo ran$/m, 'RUN went through sh -x');
    const c = config('shelled');
    assert.deepEqual(c.Shell, ['/bin/sh', '-xc']);
    assert.deepEqual(c.Cmd, ['/bin/sh', '-xc', 'echo from-cmd']);
    assert.deepEqual(c.Entrypoint, ['/bin/sh', '-xc', 'echo from-entrypoint']);
    const run = lab.engine(['run', '--rm', 'shelled']);
    assert.equal(run.stdout, 'from-entrypoint\n');
    assert.match(run.stderr, /^\+ echo from-entrypoint$/m);
    assert.deepEqual(createdBy('shelled').slice(0, 4), [
      '/bin/sh -xc #(nop)  ENTRYPOINT ["/bin/sh" "-xc" "echo from-entrypoint"]',
      '/bin/sh -xc #(nop)  CMD ["/bin/sh" "-xc" "echo from-cmd"]',
      '/bin/sh -xc echo ran > /ran',
      '/bin/sh -xc #(nop)  SHELL [/bin/sh -xc]',
    ]);
  });
});

describe('STOPSIGNAL', () => {
  test('is recorded as written, after substitution', () => {
    build('ctx-stop', { Dockerfile: 'FROM busybox\nENV SIG=sigusr1\nSTOPSIGNAL $SIG\n' }, 'stopping');
    assert.equal(config('stopping').StopSignal, 'sigusr1');
    assert.equal(createdBy('stopping')[0], '/bin/sh -c #(nop)  STOPSIGNAL sigusr1');
    build('ctx-stop-number', { Dockerfile: 'FROM busybox\nSTOPSIGNAL 9\n' }, 'stopping-9');
    assert.equal(config('stopping-9').StopSignal, '9');
  });
});

describe('HEALTHCHECK', () => {
  test('options in nanoseconds, the shell and exec forms, and the legacy builder\'s history row', () => {
    build('ctx-health', {
      Dockerfile: 'FROM busybox\nHEALTHCHECK --interval=1h30m --timeout=1.5s --start-period=250ms --retries=65 CMD wget -q localhost || exit 1\n',
    }, 'healthy');
    assert.deepEqual(config('healthy').Healthcheck, {
      Test: ['CMD-SHELL', 'wget -q localhost || exit 1'],
      Interval: 5_400_000_000_000,
      Timeout: 1_500_000_000,
      StartPeriod: 250_000_000,
      Retries: 65,
    });
    assert.equal(createdBy('healthy')[0], '/bin/sh -c #(nop)  HEALTHCHECK &{["CMD-SHELL" "wget -q localhost || exit 1"] "1h30m0s" "1.5s" "250ms" \'A\'}');

    build('ctx-health-exec', { Dockerfile: 'FROM busybox\nHEALTHCHECK --retries=4 cmd ["echo", "a b"]\n' }, 'healthy-exec');
    assert.deepEqual(config('healthy-exec').Healthcheck, { Test: ['CMD', 'echo', 'a b'], Retries: 4 });
    assert.equal(createdBy('healthy-exec')[0], '/bin/sh -c #(nop)  HEALTHCHECK &{["CMD" "echo" "a b"] "0s" "0s" "0s" \'\\x04\'}');
  });

  test('NONE, and what a later HEALTHCHECK keeps of an earlier one', () => {
    build('ctx-health-none', {
      Dockerfile: 'FROM busybox\nHEALTHCHECK --retries=7 --timeout=4s CMD true\nHEALTHCHECK NONE\n',
    }, 'unhealthy');
    // The daemon's commit fills zero fields from the image's healthcheck, NONE or not.
    assert.deepEqual(config('unhealthy').Healthcheck, { Test: ['NONE'], Timeout: 4_000_000_000, Retries: 7 });
    assert.equal(createdBy('unhealthy')[0], '/bin/sh -c #(nop)  HEALTHCHECK &{["NONE"] "0s" "0s" "0s" \'\\x00\'}');
  });

  test('bad options are refused while parsing, with Docker\'s words and the line', () => {
    const cases: Array<[string, string]> = [
      ['HEALTHCHECK --interval=5 CMD true', 'time: missing unit in duration "5"'],
      ['HEALTHCHECK --timeout=0s CMD true', 'Interval "timeout" cannot be less than 1ms'],
      ['HEALTHCHECK --retries=0 CMD true', '--retries must be at least 1 (not 0)'],
      ['HEALTHCHECK --retries=x CMD true', 'strconv.ParseInt: parsing "x": invalid syntax'],
      ['HEALTHCHECK --start-interval=1s CMD true', 'Unknown flag: start-interval'],
      ['HEALTHCHECK true', 'Unknown type "TRUE" in HEALTHCHECK (try CMD)'],
      ['HEALTHCHECK CMD', 'Missing command after HEALTHCHECK CMD'],
      ['HEALTHCHECK NONE please', 'HEALTHCHECK NONE takes no arguments'],
    ];
    for (const [line, message] of cases) {
      const r = lab.engine(['build', lab.context('ctx-health-bad', { Dockerfile: `FROM busybox\nRUN echo should not run\n${line}\n` })]);
      assert.equal(r.code, 1, line);
      assert.equal(r.stdout, '', `${line}: refused before any step`);
      assert.equal(r.stderr, `Error: Dockerfile line 3: ${message}\n`);
    }
  });
});

describe('ONBUILD', () => {
  before(() => {
    build('ctx-onbuild-base', {
      Dockerfile: 'FROM busybox\nONBUILD ARG FLAVOUR=plain\nONBUILD RUN echo "triggered $FLAVOUR" > /triggered\nONBUILD COPY app.txt /app/\nCMD ["sh"]\n',
    }, 'onbuild-base');
  });

  test('triggers are recorded in the config, as written', () => {
    assert.deepEqual(config('onbuild-base').OnBuild, ['ARG FLAVOUR=plain', 'RUN echo "triggered $FLAVOUR" > /triggered', 'COPY app.txt /app/']);
    assert.equal(createdBy('onbuild-base')[1], '/bin/sh -c #(nop)  ONBUILD COPY app.txt /app/');
  });

  test('they fire when the image is a FROM base, with the child\'s context, and the child keeps none', () => {
    const out = build('ctx-onbuild-child', {
      Dockerfile: 'FROM onbuild-base\nRUN cat /triggered /app/app.txt > /seen\nONBUILD RUN echo grandchild\n',
      'app.txt': 'from the child context\n',
    }, 'onbuild-child');
    assert.match(out, /^Step 1\/3 : FROM onbuild-base\n# Executing 3 build triggers\n/);
    assert.equal(lab.ok(['run', '--rm', 'onbuild-child', 'cat', '/seen']), 'triggered plain\nfrom the child context\n');
    assert.deepEqual(config('onbuild-child').OnBuild, ['RUN echo grandchild']);
    assert.deepEqual(createdBy('onbuild-child').slice(0, 5), [
      '/bin/sh -c #(nop)  ONBUILD RUN echo grandchild',
      // A trigger's ARG stays in scope for the rest of the stage, as in Docker.
      '|1 FLAVOUR=plain /bin/sh -c cat /triggered /app/app.txt > /seen',
      createdBy('onbuild-child')[2], // the COPY row, named by our checksum of app.txt
      '|1 FLAVOUR=plain /bin/sh -c echo "triggered $FLAVOUR" > /triggered',
      '/bin/sh -c #(nop)  ARG FLAVOUR=plain',
    ]);
    assert.match(createdBy('onbuild-child')[2], /^\/bin\/sh -c #\(nop\) COPY file:[0-9a-f]{64} in \/app\/$/);
  });

  test('in a stage of a multi-stage build too', () => {
    build('ctx-onbuild-stage', {
      Dockerfile: 'FROM onbuild-base AS with-triggers\nFROM busybox\nCOPY --from=with-triggers /triggered /app/app.txt /got/\n',
      'app.txt': 'stage context\n',
    }, 'onbuild-stage');
    assert.equal(lab.ok(['run', '--rm', 'onbuild-stage', 'cat', '/got/triggered', '/got/app.txt']), 'triggered plain\nstage context\n');
  });

  test('ONBUILD ONBUILD, ONBUILD FROM and ONBUILD MAINTAINER are refused; an unknown trigger fails where it fires', () => {
    const refuse = (dockerfile: string) => lab.engine(['build', lab.context('ctx-onbuild-bad', { Dockerfile: dockerfile })]);
    const cases: Array<[string, string]> = [
      ['ONBUILD ONBUILD RUN true', 'Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed'],
      ['ONBUILD FROM busybox', 'FROM isn\'t allowed as an ONBUILD trigger'],
      ['onbuild maintainer me', 'MAINTAINER isn\'t allowed as an ONBUILD trigger'],
    ];
    for (const [line, message] of cases) {
      const r = refuse(`FROM busybox\n${line}\n`);
      assert.equal(r.code, 1);
      assert.equal(r.stderr, `Error: Dockerfile line 2: ${message}\n`);
    }
    // Docker stores a trigger it cannot read, and fails only when it fires.
    build('ctx-onbuild-unknown', { Dockerfile: 'FROM busybox\nONBUILD FLY away\n' }, 'onbuild-unknown');
    const fired = refuse('# the base has a trigger no one can run\nFROM onbuild-unknown\nRUN true\n');
    assert.equal(fired.code, 1);
    assert.match(fired.stdout, /# Executing 1 build trigger\n/);
    assert.equal(fired.stderr, 'Error: Dockerfile line 2: unknown instruction: FLY\n');
  });
});
