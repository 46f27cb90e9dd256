// The convenience form, `run --rootfs DIR [flags] -- CMD ARGS...`: a default
// spec written for the user, a generated id, and nothing left once the
// program ends. (Our runtime's own command; runc has no equivalent.)
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Lab, lines } from './helpers.ts';
import { makeBusyboxRootfs } from '../helpers/rootfs.ts';
import { cgroupDirsNamed, hostMountsUnder, isAlive, ownCgroupDirsOf } from './host.ts';

const MiB = 1024 * 1024;

describe('run --rootfs', () => {
  const lab = new Lab('run-rootfs');
  let rootfs: string;
  before(() => {
    rootfs = makeBusyboxRootfs(join(lab.dir, 'rootfs'));
  });
  after(() => lab.close());

  const run = (flags: string[], cmd: string[], input?: string) => lab.runtime(['run', '--rootfs', rootfs, ...flags, '--', ...cmd], { input });

  it('runs the command as PID 1 with the hostname, env and cwd asked for', () => {
    const r = run(['--hostname', 'quay', '-e', 'GREETING=hello', '-e', 'EMPTY=', '--cwd', '/etc'], ['sh', '-c', 'echo $$; hostname; echo "$GREETING"; env | grep -c "^EMPTY=$"; pwd; ls /sys/class/net']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '1\nquay\nhello\n1\n/etc\nlo\n');
  });

  it("exits with the program's exit code", () => {
    assert.equal(run([], ['sh', '-c', 'exit 9']).code, 9);
  });

  it('applies --memory', () => {
    assert.equal(run(['--memory', String(128 * MiB)], ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=16M', 'count=1']).code, 0);
    assert.equal(run(['--memory', String(32 * MiB)], ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=64M', 'count=1']).code, 137);
  });

  it('applies --pids-limit', () => {
    const limit = 8;
    const r = run(['--pids-limit', String(limit)], ['sh', '-c', 'i=0; while [ $i -lt 50 ]; do sleep 100 >/dev/null 2>&1 & i=$((i+1)); echo $i; done']);
    const started = Number(r.stdout.trim().split('\n').at(-1));
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /can't fork/);
    assert.ok(started >= 1 && started <= limit - 1, `${started} sleeps started beside the shell under a limit of ${limit}`);
  });

  it('refuses a rootfs that does not exist in its own words, not those of a config.json the user never wrote', () => {
    const missing = join(lab.dir, 'no-such-rootfs');
    const r = lab.runtime(['run', '--rootfs', missing, '--', 'true']);
    assert.equal(r.code, 1);
    assert.deepEqual(lines(r.stderr), [`skiff-runtime: rootfs ${missing} does not exist`]);
    assert.deepEqual(lab.stateEntries(), []);
    assert.deepEqual(hostMountsUnder(lab.dir), []);
  });

  it('generates an id, lists it while it runs, and leaves nothing behind', async () => {
    const running = lab.spawn(['run', '--rootfs', rootfs, '--', 'sh', '-c', 'echo ready; read line'], { stdin: true });
    await running.waitForLine(/^ready$/);
    const listed = lines(lab.runtime(['list']).stdout).slice(1);
    assert.equal(listed.length, 1, `one container listed: ${listed}`);
    const [id, , , bundle] = listed[0].split(/\s+/);
    const state = lab.runtime(['state', id]);
    assert.equal(state.code, 0, state.stderr);
    const pid = (JSON.parse(state.stdout) as { pid: number }).pid;
    const cgroups = ownCgroupDirsOf(pid);
    assert.ok(cgroups.length > 0);

    running.child.stdin!.end('done\n');
    const r = await running.done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(isAlive(pid), false);
    assert.deepEqual(cgroups.filter(existsSync), [], 'cgroups removed');
    assert.deepEqual(cgroupDirsNamed(id), []);
    assert.deepEqual(lab.stateEntries(), [], 'state removed');
    assert.deepEqual(hostMountsUnder(lab.dir), []);
    assert.equal(existsSync(bundle), false, `the bundle written for it (${bundle}) is removed`);
    assert.deepEqual(lines(lab.runtime(['list']).stdout).slice(1), []);
  });
});
