// CVE-2019-5736's shape, seen from the host: an init that joins a running
// container's PID namespace (as `exec` starts one) is Node while it boots,
// in reach of the container's processes; its /proc/PID/exe cannot be opened
// for writing, and the file behind it sits on a read-only mount. Busy
// (ETXTBSY) alone would last only while some Node runs the binary; the
// attack waited for that to end. The kernel answers ETXTBSY before it looks
// at the mount, so the mount is proven with a change that no running
// program forbids: setting the file's own mode again, which a read-only
// mount refuses (EROFS). The mount is init's alone: the host's mount table
// does not gain it.
import assert from 'node:assert/strict';
import { chmodSync, openSync, readlinkSync, statSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { spawnInit } from '../../chapters/01-namespaces/init-process.ts';
import { Lab } from './helpers.ts';
import { readMountInfo } from './host.ts';

describe("the runtime's binary, seen through an init joining a container", () => {
  const lab = new Lab('exe');
  after(() => lab.close());

  it('cannot be opened for writing through /proc/PID/exe, and leaves no mount on the host', async () => {
    const onHost = () => readMountInfo().filter((m) => m.mountPoint === process.execPath).length;
    const before = onHost();
    const id = lab.newId('exe');
    const container = lab.startDetached(id, lab.bundle(['sleep', '1000']));
    try {
      // An init waits for its orders on the sync pipe: Node for as long as the test looks.
      const init = spawnInit({ kind: 'join', path: `/proc/${container}/ns/pid` }, ['ignore', 'ignore', 'ignore']);
      try {
        assert.equal(readlinkSync(`/proc/${init.pid}/ns/pid`), readlinkSync(`/proc/${container}/ns/pid`), "in the container's PID namespace");
        const exe = `/proc/${init.pid}/exe`;
        assert.throws(() => openSync(exe, 'r+'), { code: 'ETXTBSY' });
        assert.throws(() => chmodSync(exe, statSync(exe).mode & 0o7777), { code: 'EROFS' });
        assert.equal(onHost(), before, 'no mount of the binary on the host');
      } finally {
        init.child.kill('SIGKILL');
        await init.exited;
      }
    } finally {
      assert.equal(lab.runtime(['delete', '--force', id]).code, 0);
    }
  });
});
