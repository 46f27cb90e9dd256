// The snapshotter's verbs, in both modes: prepare, view, mounts, commit,
// remove, list, usage, gc — and the mode switch itself.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ownerTag } from '../../chapters/01-namespaces/process-identity.js';
import { chainId, type LayerChainId } from '../../chapters/02-images/layers/chain-id.js';
import type { Digest } from '../../chapters/02-images/store/digest.js';
import { mountRootfs, unmountRootfs } from '../../chapters/02-images/layers/overlay.js';
import { detectSnapshotMode, Snapshotter } from '../../chapters/02-images/layers/snapshotter.js';
import { importLayer } from '../../chapters/02-images/layers/applier.js';
import { commitLayer } from '../../chapters/02-images/layers/commit-layer.js';
import { makeTempDir, removeTempDir } from '../helpers/rootfs.js';
import { makeTar, mountsUnder, sha256, streamOf } from './layer-fixtures.js';

let tmp: string;
before(() => {
  tmp = makeTempDir('skiff-snapshotter-');
});
after(() => {
  assert.deepEqual(mountsUnder(tmp), [], 'tests leave no mounts behind');
  removeTempDir(tmp);
});

async function importOne(s: Snapshotter, parent: LayerChainId | null, name: string): Promise<LayerChainId> {
  const layer = await makeTar([{ name, data: name }]);
  const id = chainId(parent, sha256(layer) as Digest);
  await importLayer(s, id, parent, streamOf(layer));
  return id;
}

test('SKIFF_SNAPSHOTTER forces a mode; otherwise overlayfs is detected by really mounting it', async () => {
  const dir = join(tmp, 'detect');
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  const saved = process.env.SKIFF_SNAPSHOTTER;
  try {
    process.env.SKIFF_SNAPSHOTTER = 'copy';
    assert.equal(await detectSnapshotMode(dir), 'copy');
    process.env.SKIFF_SNAPSHOTTER = 'overlay';
    assert.equal(await detectSnapshotMode(dir), 'overlay');
    process.env.SKIFF_SNAPSHOTTER = 'zfs';
    await assert.rejects(detectSnapshotMode(dir), /SKIFF_SNAPSHOTTER must be "overlay" or "copy"/);
    delete process.env.SKIFF_SNAPSHOTTER;
    // This test host has overlayfs on an ext4 root, so detection must find it.
    assert.equal(await detectSnapshotMode(dir), 'overlay');
    assert.deepEqual(readdirSync(join(dir, 'tmp')), [], 'the probe cleans up');
  } finally {
    if (saved === undefined) delete process.env.SKIFF_SNAPSHOTTER;
    else process.env.SKIFF_SNAPSHOTTER = saved;
  }
});

for (const mode of ['overlay', 'copy'] as const) {
  describe(`snapshotter (${mode})`, () => {
    let s: Snapshotter;
    let bottom: LayerChainId;
    let top: LayerChainId;
    before(async () => {
      s = new Snapshotter(join(tmp, `root-${mode}`), mode);
      bottom = await importOne(s, null, 'one');
      top = await importOne(s, bottom, 'two');
    });

    test('prepare gives a writable view of the parent; view gives a read-only one', async () => {
      const rw = join(tmp, `${mode}-rw`);
      const ro = join(tmp, `${mode}-ro`);
      mkdirSync(rw);
      mkdirSync(ro);
      mountRootfs(await s.prepare('c1', top), rw);
      mountRootfs(await s.view('v1', top), ro);
      try {
        assert.deepEqual(readdirSync(rw).sort(), ['one', 'two']);
        writeFileSync(join(rw, 'three'), '3');
        assert.throws(() => writeFileSync(join(ro, 'three'), '3'), /EROFS/);
        assert.deepEqual(readdirSync(ro).sort(), ['one', 'two'], 'a view does not see another snapshot\'s writes');
        await assert.rejects(s.remove('c1'), /still mounted/);
      } finally {
        unmountRootfs(rw);
        unmountRootfs(ro);
      }
      assert.deepEqual(s.mounts('c1'), await Promise.resolve(s.mounts('c1')), 'mounts(key) answers the same again');
      assert.ok(s.usage('c1') > 0);
      await assert.rejects(commitLayer(s, 'v1'), /read-only view/);
      await s.remove('v1');
    });

    test('an image with no layers still gets a root filesystem, writable or read-only', async () => {
      const target = join(tmp, `${mode}-empty`);
      mkdirSync(target);
      mountRootfs(await s.prepare('scratch', null), target);
      try {
        assert.deepEqual(readdirSync(target), []);
        writeFileSync(join(target, 'hello'), 'hi');
      } finally {
        unmountRootfs(target);
      }
      await s.remove('scratch');
      mountRootfs(await s.view('scratch-view', null), target);
      try {
        assert.deepEqual(readdirSync(target), []);
        assert.throws(() => writeFileSync(join(target, 'hello'), 'hi'), /EROFS/);
      } finally {
        unmountRootfs(target);
      }
      await s.remove('scratch-view');
      assert.deepEqual(readdirSync(join(s.dir, 'empty')), [], 'the shared empty directory stays empty');
    });

    test('bad keys and missing parents are clear errors', async () => {
      await assert.rejects(s.prepare('../escape', top), /invalid snapshot key/);
      await assert.rejects(s.prepare('c1', top), /already exists/);
      await assert.rejects(s.prepare('c2', sha256(Buffer.from('nope')) as LayerChainId), /does not exist/);
      assert.throws(() => s.mounts('nope'), /snapshot nope does not exist/);
    });

    test('gc keeps what is named, what those stand on, and what active snapshots stand on', async () => {
      // Staging directories of a process that died mid-import, of one whose pid
      // was given to this process since (same pid, another start time), and of
      // a live process (this one).
      mkdirSync(join(s.dir, 'tmp', '999999999-1-abandoned'));
      mkdirSync(join(s.dir, 'tmp', `${process.pid}-1-abandoned`));
      mkdirSync(join(s.dir, 'tmp', `${ownerTag()}-busy`));
      const orphan = await importOne(s, null, 'orphan');
      const orphanChild = await importOne(s, orphan, 'orphan-child');
      assert.equal(s.list().committed.length, 4);
      // c1 (still active) stands on `top`, which stands on `bottom`.
      assert.deepEqual(s.gc(new Set([orphan])).sort(), [orphanChild]);
      assert.ok(s.exists(top) && s.exists(bottom) && s.exists(orphan));
      assert.deepEqual(readdirSync(join(s.dir, 'tmp')), [`${ownerTag()}-busy`], 'only the abandoned staging directories go');
      rmSync(join(s.dir, 'tmp', `${ownerTag()}-busy`), { recursive: true });
      await s.remove('c1');
      assert.deepEqual(s.gc(new Set()).sort(), [bottom, orphan, top].sort());
      assert.deepEqual(s.list(), { committed: [], active: [] });
      assert.deepEqual(readdirSync(join(s.dir, 'tmp')), []);
    });
  });
}
