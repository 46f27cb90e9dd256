// overlay mounts: stacking order, the one-page limit on mount options, and
// leaving no mounts behind.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chainId, type LayerChainId } from '../../chapters/02-images/layers/chain-id.js';
import type { Digest } from '../../chapters/02-images/store/digest.js';
import { isInUse, mountRootfs, unmountRootfs } from '../../chapters/02-images/layers/overlay.js';
import { Snapshotter } from '../../chapters/02-images/layers/snapshotter.js';
import { importLayer } from '../../chapters/02-images/layers/applier.js';
import { makeTempDir, removeTempDir } from '../helpers/rootfs.js';
import { makeTar, mountsUnder, sha256, streamOf } from './layer-fixtures.js';

let tmp: string;
let s: Snapshotter;
const stack: LayerChainId[] = [];

before(async () => {
  tmp = makeTempDir('skiff-overlay-');
  s = new Snapshotter(join(tmp, 'root'), 'overlay');
  // 70 layers; each writes its own file and overwrites `top`, so the view shows which layer is on top.
  let parent: LayerChainId | null = null;
  for (let i = 0; i < 70; i++) {
    const layer = await makeTar([
      { name: `layer-${i}`, data: String(i) },
      { name: 'top', data: String(i) },
    ]);
    parent = chainId(parent, sha256(layer) as Digest);
    await importLayer(s, parent, stack.at(-1) ?? null, streamOf(layer));
    stack.push(parent);
  }
});
after(() => {
  assert.deepEqual(mountsUnder(tmp), [], 'tests leave no mounts behind');
  removeTempDir(tmp);
});

describe('overlay mounts', () => {
  test('lowerdir is top-most first: the upper layer wins', async () => {
    const mounts = await s.view('two', stack[1]);
    const lowerdir = mounts[0].options.find((o) => o.startsWith('lowerdir='))!;
    assert.ok(lowerdir.indexOf(s.layerDirs(stack[1])[0]) < lowerdir.indexOf(s.layerDirs(stack[0])[0]));
    const target = join(tmp, 'two');
    mkdirSync(target);
    mountRootfs(mounts, target);
    try {
      assert.equal(readFileSync(join(target, 'top'), 'utf8'), '1');
      assert.ok(isInUse(target));
    } finally {
      unmountRootfs(target);
    }
    assert.equal(isInUse(target), false);
    await s.remove('two');
  });

  test('more layers than absolute paths fit in one page still mount, through relative paths', async () => {
    const id = stack[54]; // 55 layers
    const mounts = await s.prepare('deep', id);
    assert.ok(mounts[0].options.join(',').length > 4096, 'the absolute form would not fit');
    const target = join(tmp, 'deep');
    mkdirSync(target);
    const cwd = process.cwd();
    mountRootfs(mounts, target);
    try {
      assert.equal(process.cwd(), cwd, 'the working directory is restored');
      assert.equal(readdirSync(target).length, 56);
      assert.equal(readFileSync(join(target, 'top'), 'utf8'), '54');
      assert.equal(readFileSync(join(target, 'layer-0'), 'utf8'), '0');
    } finally {
      unmountRootfs(target);
    }
    await s.remove('deep');
  });

  test('past what even relative paths fit, the error says so', async () => {
    const mounts = await s.view('too-deep', stack[69]);
    const target = join(tmp, 'too-deep');
    mkdirSync(target);
    assert.throws(() => mountRootfs(mounts, target), /too many layers for one overlay mount/);
    assert.equal(isInUse(target), false);
    await s.remove('too-deep');
  });
});
