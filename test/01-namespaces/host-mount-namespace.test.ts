// A bundle whose linux.namespaces lists no mount namespace shares the
// runtime's (config-linux.md, "Namespaces"): the container's mounts are made
// in the host's mount namespace, where the host sees them, and its root is a
// chroot(2), not a pivot_root(2). Proved against runc on the same bundle,
// from outside (the host's mountinfo, /proc/PID/root) and after delete
// (nothing left mounted, no propagation of the host's changed).
//
// runc runs under `unshare -m --propagation private`, in a mount namespace
// thrown away when it exits: without a mount namespace of the container's,
// runc makes "/" rslave in the namespace it runs in (its prepareRoot) and
// leaves every mount it made behind after `delete`. Our runtime runs in the
// test's own namespace, the real "host" of these tests: that is where it
// must prove that it changes no propagation and leaves nothing.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readlinkSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Lab, lines, runUnderRunc, sameAsRunc, type Bundle, type Spec } from './helpers.ts';
import { hostMountsUnder, readMountInfo } from './host.ts';

const RUNC_IN_OWN_NAMESPACE = ['unshare', '-m', '--propagation', 'private'];

/** `runc spec` with the mount namespace taken out, and the two fields runc refuses without one. */
function withoutMountNamespace(spec: Spec): void {
  spec.linux.namespaces = spec.linux.namespaces.filter((ns) => ns.type !== 'mount');
  delete spec.linux.maskedPaths;
  delete spec.linux.readonlyPaths;
}

/** The propagation of every mount of this namespace outside the lab, by mount ID: what the container must not change. */
function hostPropagation(lab: Lab): Map<number, string> {
  return new Map(readMountInfo().filter((m) => !m.mountPoint.startsWith(lab.dir)).map((m) => [m.id, `${m.mountPoint} ${m.optional.join(' ')}`]));
}

/** The same propagation for every mount still there (other work on this host may mount and unmount meanwhile). */
function assertPropagationKept(lab: Lab, before: Map<number, string>): void {
  const after = hostPropagation(lab);
  const kept = [...before].filter(([id]) => after.has(id));
  assert.ok(kept.length > 0);
  for (const [id, was] of kept) assert.equal(after.get(id), was, "the host's propagation unchanged");
}

describe('a container without a mount namespace of its own', () => {
  const lab = new Lab('host-mnt');
  const runcRoot = join(lab.dir, 'runc-state');
  mkdirSync(runcRoot);
  after(() => lab.close());

  it('runs as under runc: the same root, the same mounts, the same exit code', () => {
    // mountinfo inside a chroot lists only the mounts below its root: the container's own.
    const script = 'ls -A /; sed -E "s/^([^ ]+ ){4}([^ ]+) .* - ([^ ]+) .*/\\2 \\3/" /proc/self/mountinfo; exit 7';
    const ours = sameAsRunc(lab, runcRoot, lab.bundle(['sh', '-c', script], withoutMountNamespace).dir, RUNC_IN_OWN_NAMESPACE);
    assert.equal(ours.code, 7);
    assert.match(ours.stdout, /^\/ ext4$/m, 'the rootfs is "/"');
    assert.match(ours.stdout, /^\/proc proc$/m);
  });

  it('makes its mounts in the host namespace, chroots into the rootfs, and leaves nothing after delete', () => {
    const before = hostPropagation(lab);
    const bundle = lab.bundle(['sleep', '1000'], withoutMountNamespace);
    const rootfs = realpathSync(bundle.rootfs);
    const id = lab.newId('outside');
    const pid = lab.startDetached(id, bundle);

    assert.equal(readlinkSync(`/proc/${pid}/ns/mnt`), readlinkSync('/proc/self/ns/mnt'), "the host's mount namespace");
    assert.equal(readlinkSync(`/proc/${pid}/root`), rootfs, 'chrooted into the rootfs');
    const seen = hostMountsUnder(rootfs).map((m) => `${m.mountPoint.slice(rootfs.length) || '/'} ${m.fsType}`);
    for (const mount of ['/ ext4', '/proc proc', '/dev tmpfs', '/dev/pts devpts', '/sys sysfs']) {
      assert.ok(seen.includes(mount), `the host sees ${mount}: ${seen.join(', ')}`);
    }
    const exec = lab.runtime(lab.execArgs(id, ['sh', '-c', 'ls -A /; pwd']));
    assert.equal(exec.code, 0, exec.stderr);
    assert.equal(exec.stdout, 'bin\ndev\netc\nlinuxrc\nproc\nroot\nsbin\nsys\ntmp\nusr\n/\n', 'exec is chrooted too');

    assert.equal(lab.runtime(['delete', '--force', id]).code, 0);
    assert.deepEqual(hostMountsUnder(lab.dir), [], 'no mount left');
    assertPropagationKept(lab, before);
  });

  it('takes down at delete what the container mounted itself, in the host\'s namespace, even over its "/"', async () => {
    const script = 'mount -t tmpfs leaked /tmp && mount -t tmpfs over-root / && exec sleep 1000';
    const bundle = lab.bundle(['sh', '-c', script], (spec) => {
      withoutMountNamespace(spec);
      for (const set of ['bounding', 'effective', 'permitted'] as const) spec.process.capabilities![set]!.push('CAP_SYS_ADMIN');
    });
    const rootfs = realpathSync(bundle.rootfs);
    const id = lab.newId('leak');
    lab.startDetached(id, bundle);
    const made = () => hostMountsUnder(rootfs).filter((m) => m.source === 'leaked' || m.source === 'over-root').map((m) => m.mountPoint);
    for (let i = 0; i < 200 && made().length < 2; i++) await sleep(50);
    assert.deepEqual(made().sort(), [rootfs, `${rootfs}/tmp`], "the container's own mounts are the host's");

    assert.equal(lab.runtime(['delete', '--force', id]).code, 0);
    assert.deepEqual(hostMountsUnder(lab.dir), [], 'no mount left');
  });

  it('keeps a bind of a shared host directory from carrying the container\'s mounts back to it', async () => {
    // A shared mount of the test's own: binds of it are its peers unless made private.
    const source = join(lab.dir, 'shared-source');
    mkdirSync(source);
    execFileSync('mount', ['-t', 'tmpfs', 'shared-source', source]);
    execFileSync('mount', ['--make-shared', source]);
    mkdirSync(join(source, 'sub'));
    const bundle = lab.bundle(['sh', '-c', 'mount -t tmpfs inner /volume/sub && exec sleep 1000'], (spec) => {
      withoutMountNamespace(spec);
      for (const set of ['bounding', 'effective', 'permitted'] as const) spec.process.capabilities![set]!.push('CAP_SYS_ADMIN');
      spec.mounts!.push({ destination: '/volume', type: 'bind', source, options: ['rbind'] });
    });
    const id = lab.newId('shared-src');
    lab.startDetached(id, bundle);
    const inner = () => hostMountsUnder(lab.dir).filter((m) => m.source === 'inner').map((m) => m.mountPoint);
    for (let i = 0; i < 200 && inner().length === 0; i++) await sleep(50);
    assert.deepEqual(inner(), [`${realpathSync(bundle.rootfs)}/volume/sub`], 'below the container\'s root only, not at the source');

    assert.equal(lab.runtime(['delete', '--force', id]).code, 0);
    assert.deepEqual(hostMountsUnder(lab.dir).map((m) => m.mountPoint), [source], 'only the test\'s own mount left');
    execFileSync('umount', [source]);
  });

  it('applies root.readonly to the runtime\'s bind of the rootfs, not to the filesystem below it', () => {
    // runc skips root.readonly without a mount namespace (its finalizeRootfs); the spec says MUST.
    const bundle = lab.bundle(['sh', '-c', 'touch /x 2>&1; awk \'$5 == "/" { print $6 }\' /proc/self/mountinfo'], (spec) => {
      withoutMountNamespace(spec);
      spec.root.readonly = true;
    });
    const r = lab.runtime(['run', lab.newId('ro'), '--bundle', bundle.dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^touch: \/x: Read-only file system\nro,/);
    assert.ok(!readMountInfo().find((m) => m.mountPoint === '/')!.options.includes('ro'), "the host's / stays writable");
  });

  it('applies rootfsPropagation to the container\'s "/" alone', () => {
    const bundle = lab.bundle(['sh', '-c', 'awk \'$5 == "/"\' /proc/self/mountinfo'], (spec) => {
      withoutMountNamespace(spec);
      (spec.linux as Record<string, unknown>).rootfsPropagation = 'shared';
    });
    const before = hostPropagation(lab);
    const r = lab.runtime(['run', lab.newId('shared'), '--bundle', bundle.dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, / shared:\d+ /);
    assertPropagationKept(lab, before);
  });

  const refusals: { field: string; set: (spec: Spec) => void }[] = [
    { field: 'linux.maskedPaths', set: (s) => (s.linux.maskedPaths = ['/proc/kcore']) },
    { field: 'linux.readonlyPaths', set: (s) => (s.linux.readonlyPaths = ['/proc/sys']) },
    {
      field: 'linux.namespaces',
      set: (s) => {
        s.linux.namespaces.push({ type: 'user' });
        Object.assign(s.linux, { uidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }], gidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }] });
      },
    },
  ];
  for (const { field, set } of refusals) {
    it(`refuses ${field}, which needs a mount namespace, as runc does: one line, nothing made`, () => {
      const bundle = lab.bundle(['true'], (spec) => {
        withoutMountNamespace(spec);
        set(spec);
      });
      const reference = runUnderRunc(runcRoot, bundle.dir, lab.newId('runc'), RUNC_IN_OWN_NAMESPACE);
      assert.notEqual(reference.code, 0, 'runc refuses it too');
      const id = lab.newId('refused');
      const r = lab.runtimeDetached(['create', id, '--bundle', bundle.dir], id);
      assert.notEqual(r.code, 0);
      assert.equal(lines(r.stderr).length, 1, r.stderr);
      assert.ok(r.stderr.includes(`config.json: ${field}`), r.stderr);
      assert.deepEqual(lab.stateEntries(), []);
      assert.deepEqual(hostMountsUnder(lab.dir), []);
    });
  }

  it('takes its host mounts down when create fails half-way', () => {
    const bundle: Bundle = lab.bundle(['true'], (spec) => {
      withoutMountNamespace(spec);
      spec.mounts!.push({ destination: '/broken', type: 'no-such-filesystem', source: 'none' });
    });
    const reference = runUnderRunc(runcRoot, bundle.dir, lab.newId('runc'), RUNC_IN_OWN_NAMESPACE);
    assert.notEqual(reference.code, 0, 'runc fails too');
    const id = lab.newId('broken');
    const r = lab.runtimeDetached(['create', id, '--bundle', bundle.dir], id);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /no-such-filesystem/);
    assert.deepEqual(hostMountsUnder(lab.dir), [], 'the mounts made before the failure are gone');
    assert.deepEqual(lab.stateEntries(), []);
  });
});
