// The devices cgroup: root in a container may hold CAP_MKNOD, and nothing in
// its namespaces stops it from making a node for the host's disk and reading
// it. The cgroup's device rules do: the default devices work, the disk does
// not. (On cgroup v1 the rules are the devices controller's files; skiff-
// runtime does not yet load the eBPF program that v2 needs, and says so in
// the chapter; this test then fails on a v2-only host, as it should.)
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Lab } from './helpers.ts';

describe('the devices cgroup', () => {
  const lab = new Lab('devices');
  after(() => lab.close());

  it('lets root with CAP_MKNOD use the default devices, but not a disk (EPERM)', () => {
    const script = [
      // CAP_MKNOD is there: a node for /dev/null can be made, written and read.
      'mknod /dev/null2 c 1 3 && echo x > /dev/null2 && [ "$(head -c 1 /dev/null2 | wc -c)" = 0 ] && echo null-ok',
      'head -c 4 /dev/zero | wc -c',
      // A disk, b 8:0 (sda): making the node or opening it must be refused.
      'if mknod /dev/disk b 8 0 && head -c 512 /dev/disk >/dev/null; then echo disk-read; else echo disk-refused; fi',
    ].join('\n');
    const bundle = lab.bundle(['sh', '-c', script], (spec) => {
      const caps = spec.process.capabilities!;
      for (const set of ['bounding', 'effective', 'permitted'] as const) caps[set] = [...(caps[set] ?? []), 'CAP_MKNOD'];
    });
    const r = lab.runtime(['run', lab.newId('devices'), '--bundle', bundle.dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'null-ok\n4\ndisk-refused\n', `stderr: ${r.stderr}`);
    // EPERM from a device rule; were the disk allowed, reading it would
    // succeed, or fail with ENXIO on a host that has no sda.
    assert.match(r.stderr, /disk: Operation not permitted/);
  });
});
