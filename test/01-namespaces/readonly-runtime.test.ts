// CVE-2019-5736's shape, seen from the host: while init is still Node — a
// created container waiting for `start` — its /proc/PID/exe cannot be opened
// for writing, and the file behind it sits on a read-only mount. Busy
// (ETXTBSY) alone would last only while some Node runs the binary; the
// attack waited for that to end. The kernel answers ETXTBSY before it looks
// at the mount, so the mount is proven with a change that no running
// program forbids: setting the file's own mode again, which a read-only
// mount refuses (EROFS). The mount is init's alone: the host's mount table
// does not gain it.
import assert from 'node:assert/strict';
import { chmodSync, openSync, statSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { Lab } from './helpers.ts';
import { readMountInfo } from './host.ts';

describe("the runtime's binary, seen through a container's init", () => {
  const lab = new Lab('exe');
  after(() => lab.close());

  it('cannot be opened for writing through /proc/PID/exe, and leaves no mount on the host', () => {
    const onHost = () => readMountInfo().filter((m) => m.mountPoint === process.execPath).length;
    const before = onHost();
    const id = lab.newId('exe');
    const bundle = lab.bundle(['true']);
    const r = lab.runtimeDetached(['create', id, '--bundle', bundle.dir], id);
    assert.equal(r.code, 0, r.stderr);
    try {
      const { pid } = lab.state(id);
      const exe = `/proc/${pid}/exe`;
      assert.throws(() => openSync(exe, 'r+'), { code: 'ETXTBSY' });
      assert.throws(() => chmodSync(exe, statSync(exe).mode & 0o7777), { code: 'EROFS' });
      assert.equal(onHost(), before, 'no mount of the binary on the host');
      assert.equal(lab.runtime(['start', id]).code, 0);
    } finally {
      assert.equal(lab.runtime(['delete', '--force', id]).code, 0);
    }
  });
});
