// `spec` writes a starting config.json, as `runc spec` does. It must have
// runc's shape where it matters (the same mounts, namespaces, masked paths,
// limits and user; at least runc's capabilities), and it must run unchanged,
// under skiff-runtime and under runc alike.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Lab, lines, runcSpec, type Spec } from './helpers.ts';
import { makeBusyboxRootfs } from '../helpers/rootfs.ts';
import { spawnSync } from 'node:child_process';

const keys = (value: object) => Object.keys(value).sort();

/** Commands for the default program, `sh`, which reads them from its stdin. */
const SHELL_INPUT = 'echo "pid=$$"; hostname; ls /sys/class/net; exit 7\n';

describe('spec', () => {
  const lab = new Lab('spec');
  after(() => lab.close());

  const specDir = (name: string) => {
    const dir = join(lab.dir, name);
    mkdirSync(dir);
    return dir;
  };
  const readConfig = (dir: string) => JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Spec;

  it("writes a config.json with runc spec's shape", () => {
    const dir = specDir('ours');
    const r = lab.runtime(['spec', '--bundle', dir]);
    assert.equal(r.code, 0, r.stderr);
    const ours = readConfig(dir);
    const reference = runcSpec(specDir('reference'));

    assert.deepEqual(keys(ours), keys(reference));
    assert.deepEqual(keys(ours.process), keys(reference.process));
    assert.deepEqual(ours.process.args, ['sh']);
    for (const field of ['user', 'cwd', 'rlimits', 'noNewPrivileges'] as const) assert.deepEqual(ours.process[field], reference.process[field], field);
    for (const set of ['bounding', 'effective', 'permitted'] as const) {
      const missing = (reference.process.capabilities?.[set] ?? []).filter((cap) => !ours.process.capabilities?.[set]?.includes(cap));
      assert.deepEqual(missing, [], `process.capabilities.${set} holds at least runc's`);
    }
    assert.equal(ours.root.path, reference.root.path);
    assert.deepEqual(ours.mounts, reference.mounts);
    assert.deepEqual(keys(ours.linux), keys(reference.linux));
    assert.deepEqual(ours.linux.resources, reference.linux.resources);
    assert.deepEqual(ours.linux.readonlyPaths, reference.linux.readonlyPaths);
    assert.deepEqual(reference.linux.maskedPaths!.filter((path) => !ours.linux.maskedPaths!.includes(path)), [], "at least runc's masked paths");
    const types = ours.linux.namespaces.map((ns) => ns.type);
    assert.deepEqual(reference.linux.namespaces.filter((ns) => !types.includes(ns.type)), [], "at least runc's namespaces");
  });

  it('writes a bundle that runs unchanged, under skiff-runtime and under runc alike', () => {
    const dir = specDir('runs');
    assert.equal(lab.runtime(['spec', '--bundle', dir]).code, 0);
    makeBusyboxRootfs(join(dir, 'rootfs'));
    const ours = lab.runtime(['run', lab.newId('spec'), '--bundle', dir], { input: SHELL_INPUT });
    assert.equal(ours.code, 7, ours.stderr);
    assert.match(ours.stdout, /^pid=1\n[^\n]+\nlo\n$/);

    const runcState = join(lab.dir, 'runc-state');
    const theirs = spawnSync('runc', ['--root', runcState, 'run', '--bundle', dir, lab.newId('spec-runc')], { input: SHELL_INPUT, encoding: 'utf8', timeout: 60_000 });
    assert.equal(theirs.status, ours.code, theirs.stderr);
    assert.equal(theirs.stdout, ours.stdout);
  });

  it('takes the program after --, and will not overwrite a config.json', () => {
    const dir = specDir('command');
    assert.equal(lab.runtime(['spec', '--bundle', dir, '--', 'sh', '-c', 'echo hello']).code, 0);
    const written = readFileSync(join(dir, 'config.json'), 'utf8');
    assert.deepEqual((JSON.parse(written) as Spec).process.args, ['sh', '-c', 'echo hello']);

    const again = lab.runtime(['spec', '--bundle', dir]);
    assert.notEqual(again.code, 0);
    assert.equal(lines(again.stderr).length, 1, again.stderr);
    assert.match(again.stderr, /config\.json/);
    assert.equal(readFileSync(join(dir, 'config.json'), 'utf8'), written, 'the file is untouched');
  });
});
