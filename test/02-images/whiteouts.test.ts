// Whiteouts: a layer's `.wh.` entries become overlayfs whiteouts on disk,
// and a file deleted in an upper layer is gone from the view — both with
// overlayfs and with the copy fallback, which must show the same tree.
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chainId, type LayerChainId } from '../../chapters/02-images/layers/chain-id.js';
import type { Digest } from '../../chapters/02-images/store/digest.js';
import { mountRootfs, unmountRootfs } from '../../chapters/02-images/layers/overlay.js';
import { Snapshotter, type SnapshotMode } from '../../chapters/02-images/layers/snapshotter.js';
import { importLayer } from '../../chapters/02-images/layers/applier.js';
import { isOpaque, isWhiteout } from '../../chapters/02-images/layers/whiteouts.js';
import { makeTempDir, removeTempDir } from '../helpers/rootfs.js';
import { describeTree, makeTar, mountsUnder, sha256, streamOf } from './layer-fixtures.js';

let tmp: string;
let base: LayerChainId;
let top: LayerChainId;
const snapshotters: Record<SnapshotMode, Snapshotter> = {} as Record<SnapshotMode, Snapshotter>;

before(async () => {
  tmp = makeTempDir('skiff-whiteouts-');
  // Both snapshotters share one root: committed snapshots are the same in either mode.
  snapshotters.overlay = new Snapshotter(join(tmp, 'root'), 'overlay');
  snapshotters.copy = new Snapshotter(join(tmp, 'root'), 'copy');
  const lower = await makeTar([
    { name: 'etc/', type: 'directory', mode: 0o755 },
    { name: 'etc/passwd', data: 'root:x:0:0::/root:/bin/sh\n' },
    { name: 'etc/group', data: 'root:x:0:\n' },
    { name: 'var/cache/', type: 'directory', mode: 0o755 },
    { name: 'var/cache/a', data: 'a' },
    { name: 'var/cache/b/', type: 'directory' },
    { name: 'var/cache/b/deep', data: 'deep' },
    { name: 'opt/tool/', type: 'directory' },
    { name: 'opt/tool/run', data: '#!/bin/sh\n', mode: 0o755 },
  ]);
  const upper = await makeTar([
    { name: 'etc/', type: 'directory', mode: 0o755 },
    { name: 'etc/.wh.group', data: '' },
    { name: 'var/cache/', type: 'directory', mode: 0o700 },
    { name: 'var/cache/.wh..wh..opq', data: '' },
    { name: 'var/cache/fresh', data: 'fresh' },
    { name: '.wh.opt', data: '' },
    { name: 'bin/', type: 'directory' },
    { name: 'bin/added', data: 'new' },
  ]);
  base = chainId(null, sha256(lower) as Digest);
  top = chainId(base, sha256(upper) as Digest);
  await importLayer(snapshotters.overlay, base, null, streamOf(lower));
  await importLayer(snapshotters.overlay, top, base, streamOf(upper));
});
after(() => {
  assert.deepEqual(mountsUnder(tmp), [], 'tests leave no mounts behind');
  removeTempDir(tmp);
});

describe('whiteouts', () => {
  test('on disk, a layer keeps its whiteouts in overlayfs form: 0/0 char devices and opaque xattrs', () => {
    const [upperDir, lowerDir] = snapshotters.overlay.layerDirs(top);
    assert.ok(isWhiteout(lstatSync(join(upperDir, 'etc/group'))));
    assert.ok(lstatSync(join(upperDir, 'etc/group')).isCharacterDevice());
    assert.ok(isWhiteout(lstatSync(join(upperDir, 'opt'))));
    assert.ok(isOpaque(join(upperDir, 'var/cache')));
    assert.ok(!isOpaque(join(upperDir, 'etc')));
    assert.deepEqual(readdirSync(join(lowerDir, 'etc')).sort(), ['group', 'passwd'], 'the lower layer is untouched');
  });

  const views: Partial<Record<SnapshotMode, string[]>> = {};
  for (const mode of ['overlay', 'copy'] as const) {
    test(`${mode} view: a deleted file is gone, an opaque directory hides the lower one`, async () => {
      const snapshotter = snapshotters[mode];
      const target = join(tmp, `view-${mode}`);
      mkdirSync(target);
      const mounts = await snapshotter.view(`view-${mode}`, top);
      assert.equal(mounts[0].type, mode === 'overlay' ? 'overlay' : 'bind');
      mountRootfs(mounts, target);
      try {
        assert.deepEqual(readdirSync(target).sort(), ['bin', 'etc', 'var']);
        assert.deepEqual(readdirSync(join(target, 'etc')), ['passwd']);
        assert.deepEqual(readdirSync(join(target, 'var/cache')), ['fresh']);
        assert.equal(lstatSync(join(target, 'var/cache')).mode & 0o777, 0o700, 'the upper layer sets the directory attributes');
        views[mode] = describeTree(target);
      } finally {
        unmountRootfs(target);
        await snapshotter.remove(`view-${mode}`);
      }
    });
  }

  test('a whiteout and a new directory of the same name in one layer replace the lower directory, in either order', async () => {
    const lower = await makeTar([
      { name: 'cfg/', type: 'directory' },
      { name: 'cfg/old-a', data: 'a' },
      { name: 'cfg/old-b', data: 'b' },
    ]);
    const whiteoutFirst = await makeTar([
      { name: '.wh.cfg', data: '' },
      { name: 'cfg/', type: 'directory' },
      { name: 'cfg/new', data: 'new' },
    ]);
    const whiteoutLast = await makeTar([
      { name: 'cfg/', type: 'directory' },
      { name: 'cfg/new', data: 'new' },
      { name: '.wh.cfg', data: '' },
    ]);
    const lowerId = chainId(null, sha256(lower) as Digest);
    await importLayer(snapshotters.overlay, lowerId, null, streamOf(lower));
    for (const [i, upper] of [whiteoutFirst, whiteoutLast].entries()) {
      const id = chainId(lowerId, sha256(upper) as Digest);
      await importLayer(snapshotters.overlay, id, lowerId, streamOf(upper));
      assert.ok(isOpaque(join(snapshotters.overlay.layerDirs(id)[0], 'cfg')));
      for (const mode of ['overlay', 'copy'] as const) {
        const target = join(tmp, `replace-${mode}-${i}`);
        mkdirSync(target);
        mountRootfs(await snapshotters[mode].view(`replace-${mode}-${i}`, id), target);
        try {
          assert.deepEqual(readdirSync(join(target, 'cfg')), ['new'], `${mode}, whiteout ${i === 0 ? 'first' : 'last'}`);
        } finally {
          unmountRootfs(target);
          await snapshotters[mode].remove(`replace-${mode}-${i}`);
        }
      }
    }
  });

  test('overlay and copy views are identical, file by file', () => {
    assert.ok(views.overlay && views.copy);
    assert.deepEqual(views.copy, views.overlay);
  });
});
