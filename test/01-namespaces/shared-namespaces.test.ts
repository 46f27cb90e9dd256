// A namespace with a `path` in linux.namespaces is joined, not created
// (runtime-spec config-linux.md#namespaces): the way pods share a network
// and a hostname. The kernel names a namespace by its inode, the same from
// every point of view, so the inside and the outside can be compared.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Lab, probeValues, type ContainerId } from './helpers.ts';
import { namespaceOf } from './host.ts';

describe('a container joining the namespaces of another', () => {
  const lab = new Lab('shared-ns');
  let first: ContainerId;
  let firstPid: number;
  let inside: Map<string, string>;
  let code: number | null;

  before(() => {
    first = lab.newId('first');
    firstPid = lab.startDetached(first, lab.bundle(['sleep', '1000'], (spec) => (spec.hostname = 'first-host')));
    const second = lab.bundle(
      ['sh', '-c', 'for ns in net uts ipc pid mnt; do echo "$ns=$(readlink /proc/self/ns/$ns)"; done; echo "hostname=$(hostname)"; echo "pid=$$"'],
      (spec) => {
        delete spec.hostname; // a hostname can only be set in a UTS namespace of one's own
        spec.linux.namespaces = spec.linux.namespaces.map((ns) =>
          ns.type === 'network' || ns.type === 'uts' || ns.type === 'ipc' ? { type: ns.type, path: `/proc/${firstPid}/ns/${ns.type === 'network' ? 'net' : ns.type}` } : ns,
        );
      },
    );
    const r = lab.runtime(['run', lab.newId('second'), '--bundle', second.dir]);
    code = r.code;
    assert.equal(r.code, 0, r.stderr);
    inside = probeValues(r.stdout);
  });

  after(() => lab.close());

  it('is in the network, UTS and IPC namespaces of the first', () => {
    assert.equal(code, 0);
    for (const kind of ['net', 'uts', 'ipc'] as const) assert.equal(inside.get(kind), namespaceOf(firstPid, kind), kind);
    assert.equal(inside.get('hostname'), 'first-host');
  });

  it('still has a PID and a mount namespace of its own', () => {
    for (const kind of ['pid', 'mnt'] as const) {
      assert.notEqual(inside.get(kind), namespaceOf(firstPid, kind), kind);
      assert.notEqual(inside.get(kind), namespaceOf('self', kind), kind);
    }
    assert.equal(inside.get('pid'), '1');
  });
});
