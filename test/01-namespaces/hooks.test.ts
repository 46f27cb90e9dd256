// OCI hooks (config.md, "POSIX-platform Hooks"; runtime.md, "Lifecycle"),
// compared with runc on the same bundles: each hook runs at its moment, in
// its namespaces, with the state on its stdin, its args and env; a failing
// create-time or startContainer hook fails the operation, a failing
// poststart or poststop hook is only a warning. Where runc 1.1 departs from
// the spec, the spec wins and the test says so: its `run` calls the
// poststart hooks as soon as the container is created (status "created",
// before startContainer, and even when startContainer failed), and a
// failing poststart hook kills the container there.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runtimeCommand } from '../helpers/executables.ts';
import { Lab, lines, type Bundle, type Spec } from './helpers.ts';
import { cgroupDirsNamed } from './host.ts';

const MOMENTS = ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop'] as const;

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  /** One line per hook run, in order: moment status uts-namespace-is-the-host's args env. */
  log: string[];
}

describe('hooks', () => {
  const lab = new Lab('hooks');
  let hook = '';
  const hostMnt = readlinkSync('/proc/self/ns/mnt');
  const env = (moment: string, fail = '') => [`HOOK_ENV=${moment}-env`, `FAIL=${fail}`, 'PATH=/usr/sbin:/usr/bin:/sbin:/bin'];
  after(() => lab.close());

  // A hook that logs what it sees: on the host for most moments, and a copy
  // inside the rootfs for startContainer, whose path resolves in the container.
  before(() => (hook = join(lab.dir, 'hook.sh')));

  /** A bundle whose every hook appends a line to <bundle>/log (the rootfs sees it as /log). */
  function hookedBundle(configure: (spec: Spec, log: string) => void = () => {}): Bundle {
    const bundle = lab.bundle(['sh', '-c', 'echo program'], (spec) => {
      spec.hostname = 'hooked';
      spec.root.readonly = false;
    });
    const log = join(bundle.rootfs, 'log');
    // Which mount namespace: the host's (ours) or another, the container's.
    const script = (where: string) =>
      `#!/bin/sh\nstate=$(cat)\nstatus=$(echo "$state" | sed -n 's/.*"status": *"\\([a-z]*\\)".*/\\1/p')\n` +
      `ns=container; [ "$(readlink /proc/self/ns/mnt)" = "${hostMnt}" ] && ns=host\n` +
      `echo "$1 $status $ns $# $HOOK_ENV" >> ${where}\n[ "$1" != "$FAIL" ]\n`;
    writeFileSync(hook, script(log));
    chmodSync(hook, 0o755);
    writeFileSync(join(bundle.rootfs, 'hook.sh'), script('/log'));
    chmodSync(join(bundle.rootfs, 'hook.sh'), 0o755);
    bundle.spec.hooks = Object.fromEntries(
      MOMENTS.map((moment) => [
        moment,
        [{ path: moment === 'startContainer' ? '/hook.sh' : hook, args: ['hook-argv0', moment], env: env(moment) }],
      ]),
    );
    configure(bundle.spec, log);
    writeFileSync(bundle.config, JSON.stringify(bundle.spec, null, 2));
    return bundle;
  }

  function runWith(command: string[], bundle: Bundle, id: string): Outcome {
    rmSync(join(bundle.rootfs, 'log'), { force: true });
    const r = spawnSync(command[0]!, [...command.slice(1), '--root', join(lab.dir, `state-${command[0]!.split('/').pop()}`), 'run', '--bundle', bundle.dir, id], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    const logFile = join(bundle.rootfs, 'log');
    return { code: r.status, stdout: r.stdout, stderr: r.stderr, log: existsSync(logFile) ? lines(readFileSync(logFile, 'utf8')) : [] };
  }

  const ours = (bundle: Bundle, tag: string) => runWith(runtimeCommand(), bundle, lab.newId(tag));
  const runc = (bundle: Bundle, tag: string) => runWith(['runc'], bundle, lab.newId(`${tag}-runc`));

  it('each hook runs once, in order, with the state, args and env, in its namespaces, as under runc', () => {
    const bundle = hookedBundle();
    const mine = ours(bundle, 'order');
    const theirs = runc(bundle, 'order');
    assert.equal(mine.code, 0, mine.stderr);
    assert.equal(mine.code, theirs.code);
    assert.equal(mine.stdout, 'program\n');
    assert.equal(mine.stdout, theirs.stdout);
    assert.deepEqual(mine.log, [
      'prestart creating host 1 prestart-env',
      'createRuntime creating host 1 createRuntime-env',
      'createContainer creating container 1 createContainer-env',
      'startContainer created container 1 startContainer-env',
      'poststart running host 1 poststart-env',
      'poststop stopped host 1 poststop-env',
    ]);
    const poststartAside = (log: string[]) => log.filter((l) => !l.startsWith('poststart'));
    assert.deepEqual(poststartAside(mine.log), poststartAside(theirs.log));
    assert.deepEqual(theirs.log.filter((l) => l.startsWith('poststart')), ['poststart created host 1 poststart-env'], "runc's early poststart");
  });

  for (const moment of ['prestart', 'createRuntime', 'createContainer', 'startContainer'] as const) {
    it(`a failing ${moment} hook fails the run before the program, and leaves nothing, as under runc`, () => {
      const bundle = hookedBundle((spec) => {
        for (const m of MOMENTS) spec.hooks![m]![0]!.env = env(m, moment);
      });
      const mine = ours(bundle, `fail-${moment}`);
      const theirs = runc(bundle, `fail-${moment}`);
      assert.notEqual(mine.code, 0, 'refused');
      assert.equal(theirs.code === 0, false, 'runc refuses it too');
      assert.equal(mine.stdout, '', 'the program never ran');
      assert.equal(theirs.stdout, '');
      assert.match(mine.stderr, new RegExp(`${moment} hook #0`));
      const ran = (log: string[]) => log.map((l) => l.split(' ')[0]).filter((m) => m !== 'poststop' && m !== 'poststart');
      assert.deepEqual(ran(mine.log), ran(theirs.log), 'the same hooks ran up to the failure');
      assert.deepEqual(ran(mine.log), MOMENTS.slice(0, MOMENTS.indexOf(moment) + 1), 'each hook up to the failing one');
      assert.ok(!mine.log.some((l) => l.startsWith('poststart')), 'no poststart: the program never started');
      // The lifecycle goes on at "destroy" (runtime.md, steps 12 and 13), as runc's does.
      assert.deepEqual(mine.log.filter((l) => l.startsWith('poststop')), ['poststop stopped host 1 poststop-env']);
      assert.deepEqual(theirs.log.filter((l) => l.startsWith('poststop')), mine.log.filter((l) => l.startsWith('poststop')));
      assert.deepEqual(lab.stateEntries().filter((e) => !e.startsWith('state-')), []);
      assert.deepEqual(cgroupDirsNamed(`skiff-fail-${moment}`).filter(Boolean).length, 0, 'no cgroup');
    });
  }

  for (const moment of ['poststart', 'poststop'] as const) {
    it(`a failing ${moment} hook is a warning: the program runs and its status stands, as under runc`, () => {
      const bundle = hookedBundle((spec) => {
        spec.process.args = ['sh', '-c', 'echo program; exit 3'];
        for (const m of MOMENTS) spec.hooks![m]![0]!.env = env(m, moment);
      });
      const mine = ours(bundle, `warn-${moment}`);
      assert.equal(mine.stdout, 'program\n');
      if (moment === 'poststop') {
        const theirs = runc(bundle, `warn-${moment}`);
        assert.equal(mine.stdout, theirs.stdout);
        assert.equal(mine.code, theirs.code);
      }
      assert.equal(mine.code, 3, mine.stderr);
      assert.match(mine.stderr, new RegExp(`warning: ${moment} hook #0`));
      assert.deepEqual(mine.log.map((l) => l.split(' ')[0]), [...MOMENTS]);
    });
  }

  it('a hook that outlives its timeout fails create', () => {
    const bundle = hookedBundle((spec) => {
      spec.hooks!.createRuntime = [{ path: '/bin/sleep', args: ['sleep', '30'], timeout: 1 }];
    });
    const started = Date.now();
    const mine = ours(bundle, 'timeout');
    assert.notEqual(mine.code, 0);
    assert.match(mine.stderr, /createRuntime hook #0 \(\/bin\/sleep\): timed out after 1s/);
    assert.ok(Date.now() - started < 15_000, 'killed at its timeout');
  });
});
