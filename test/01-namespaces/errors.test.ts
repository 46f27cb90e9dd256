// Bad input gets a clear one-line error naming the problem, a non-zero exit
// code, and leaves nothing behind: no state, no cgroup, no mount, no process.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Lab, lines, type ContainerId, type RunResult } from './helpers.ts';
import { allPids, cgroupDirsNamed, hostMountsUnder, isAlive } from './host.ts';

/** Live processes (other than this test) that still hold on to the lab: by argv, cwd or root. */
function processesUsing(lab: Lab, id: string): number[] {
  return allPids().filter((pid) => {
    if (pid === process.pid || !isAlive(pid)) return false;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmdline.includes(id) || cmdline.includes(lab.dir)) return true;
      return [readlinkSync(`/proc/${pid}/cwd`), readlinkSync(`/proc/${pid}/root`)].some((p) => p.startsWith(lab.dir));
    } catch {
      return false; // gone while we looked
    }
  });
}

function assertOneLineError(r: RunResult, names: RegExp): void {
  assert.notEqual(r.code, 0, 'non-zero exit');
  assert.equal(r.signal, null, 'the runtime exited, it did not crash');
  const errorLines = lines(r.stderr);
  assert.equal(errorLines.length, 1, `one line on stderr: ${JSON.stringify(r.stderr)}`);
  assert.match(errorLines[0], names);
}

function assertNothingLeft(lab: Lab, id: ContainerId): void {
  assert.deepEqual(lab.stateEntries(), [], 'no state');
  assert.deepEqual(cgroupDirsNamed(id), [], 'no cgroup');
  assert.deepEqual(hostMountsUnder(lab.dir), [], 'no mount');
  assert.deepEqual(processesUsing(lab, id), [], 'no process');
  assert.notEqual(lab.runtime(['state', id]).code, 0, 'the runtime does not know it');
}

describe('bad input', () => {
  const lab = new Lab('errors');
  after(() => lab.close());

  it('a missing bundle', () => {
    const id = lab.newId('nobundle');
    const missing = join(lab.dir, 'no-such-bundle');
    assertOneLineError(lab.runtimeDetached(['create', id, '--bundle', missing], id), /no-such-bundle|bundle/i);
    assertNothingLeft(lab, id);
  });

  it('a bundle without config.json', () => {
    const id = lab.newId('noconfig');
    const bundle = lab.bundle(['true']);
    rmSync(bundle.config);
    assertOneLineError(lab.runtime(['run', id, '--bundle', bundle.dir]), /config\.json/);
    assertNothingLeft(lab, id);
  });

  it('a malformed config.json', () => {
    const id = lab.newId('badjson');
    const bundle = lab.bundle(['true']);
    writeFileSync(bundle.config, '{ "ociVersion": "1.0.2", "process": { "args": ["true"] ');
    assertOneLineError(lab.runtimeDetached(['create', id, '--bundle', bundle.dir], id), /config\.json|JSON/i);
    assertNothingLeft(lab, id);
  });

  it('a config.json that is JSON but not a spec (process.args not a list)', () => {
    const id = lab.newId('badspec');
    const bundle = lab.bundle(['true']);
    writeFileSync(bundle.config, JSON.stringify({ ...bundle.spec, process: { ...bundle.spec.process, args: 'true' } }));
    assertOneLineError(lab.runtime(['run', id, '--bundle', bundle.dir]), /args/);
    assertNothingLeft(lab, id);
  });

  it('an unknown namespace type', () => {
    const id = lab.newId('badns');
    const bundle = lab.bundle(['true'], (spec) => {
      spec.linux.namespaces.push({ type: 'bogus' });
    });
    assertOneLineError(lab.runtime(['run', id, '--bundle', bundle.dir]), /bogus/);
    assertNothingLeft(lab, id);
  });

  it('a namespace type listed twice', () => {
    const id = lab.newId('dupns');
    const bundle = lab.bundle(['true'], (spec) => {
      spec.linux.namespaces.push({ type: 'pid' });
    });
    assertOneLineError(lab.runtime(['run', id, '--bundle', bundle.dir]), /"pid".*twice|duplicated ns.*pid/);
    assertNothingLeft(lab, id);
  });

  it('a missing root filesystem', () => {
    const id = lab.newId('norootfs');
    const bundle = lab.bundle(['true']);
    rmSync(bundle.rootfs, { recursive: true });
    assertOneLineError(lab.runtime(['run', id, '--bundle', bundle.dir]), /rootfs|root/);
    assertNothingLeft(lab, id);
  });

  it('a hostname without a UTS namespace of its own', () => {
    const id = lab.newId('nouts');
    const bundle = lab.bundle(['true'], (spec) => {
      spec.hostname = 'wanted';
      spec.linux.namespaces = spec.linux.namespaces.filter((ns) => ns.type !== 'uts');
    });
    assertOneLineError(lab.runtime(['run', id, '--bundle', bundle.dir]), /hostname.*UTS namespace/);
    assertNothingLeft(lab, id);
  });

  it("a root.path that climbs up to the host's /", () => {
    const id = lab.newId('hostroot');
    const bundle = lab.bundle(['true'], (spec) => {
      spec.root.path = '../'.repeat(40);
    });
    assertOneLineError(lab.runtime(['run', id, '--bundle', bundle.dir]), /root\.path.*host's \//);
    assertNothingLeft(lab, id);
  });

  it('a bind mount whose source does not exist, named by its destination', () => {
    const id = lab.newId('nosrc');
    const missing = join(lab.dir, 'no-such-source');
    const bundle = lab.bundle(['true'], (spec) => {
      spec.mounts!.push({ destination: '/data', type: 'bind', source: missing, options: ['rbind', 'ro'] });
    });
    assertOneLineError(lab.runtime(['run', id, '--bundle', bundle.dir]), /\/data.*no-such-source|no-such-source.*\/data/);
    assertNothingLeft(lab, id);
  });

  it('a program that does not exist: exit 127 and its name', () => {
    const id = lab.newId('noprog');
    const bundle = lab.bundle(['/no/such-program', 'arg']);
    const r = lab.runtime(['run', id, '--bundle', bundle.dir]);
    assertOneLineError(r, /no\/such-program/);
    assert.equal(r.code, 127);
    assertNothingLeft(lab, id);
  });

  it('a program that is not on PATH: exit 127 and its name', () => {
    const id = lab.newId('nopath');
    const bundle = lab.bundle(['no-such-command']);
    const r = lab.runtime(['run', id, '--bundle', bundle.dir]);
    assertOneLineError(r, /no-such-command/);
    assert.equal(r.code, 127);
    assertNothingLeft(lab, id);
  });

  it('a duplicate container id, leaving the first container intact', () => {
    const id = lab.newId('dup');
    const bundle = lab.bundle(['sleep', '1000']);
    assert.equal(lab.runtimeDetached(['create', id, '--bundle', bundle.dir], id).code, 0);
    const first = lab.state(id);
    const entries = lab.stateEntries();
    assertOneLineError(lab.runtimeDetached(['create', id, '--bundle', bundle.dir], `${id}-again`), new RegExp(`${id}.*(exists|already)|(exists|already).*${id}`, 'i'));
    assert.deepEqual(lab.state(id), first, 'the first container is untouched');
    assert.ok(isAlive(first.pid!));
    assert.deepEqual(lab.stateEntries(), entries);
    const d = lab.runtime(['delete', '--force', id]);
    assert.equal(d.code, 0, d.stderr);
    assertNothingLeft(lab, id);
  });

  it('an unknown container', () => {
    const id = lab.newId('ghost');
    for (const args of [['state', id], ['start', id], ['kill', id, 'KILL'], ['delete', id]]) {
      assertOneLineError(lab.runtime(args), new RegExp(id));
    }
    assertOneLineError(lab.runtime(lab.execArgs(id, ['true'])), new RegExp(id));
    assert.deepEqual(readdirSync(lab.stateRoot), []);
  });

  it('delete --force of an unknown container succeeds quietly, as with runc', () => {
    const id = lab.newId('ghostforce');
    const r = lab.runtime(['delete', '--force', id]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assertNothingLeft(lab, id);
  });

  it('a program that does not exist, in exec: exit 127', () => {
    const id = lab.newId('execnoprog');
    const bundle = lab.bundle(['sleep', '1000']);
    lab.startDetached(id, bundle);
    const r = lab.runtime(lab.execArgs(id, ['no-such-command']));
    assertOneLineError(r, /no-such-command/);
    assert.equal(r.code, 127);
    assert.equal(lab.state(id).status, 'running', 'the container is unharmed');
    assert.equal(lab.runtime(['delete', '--force', id]).code, 0);
  });
});
