// Garbage collection frees what no image refers to — manifests, configs,
// layers, and the snapshots unpacked from them — and never anything a
// remaining image still needs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ownerTag } from '../../chapters/01-namespaces/process-identity.js';
import { chainIds } from '../../chapters/02-images/layers/chain-id.js';
import { hexOf } from '../../chapters/02-images/store/digest.js';
import { ImageStore } from '../../chapters/02-images/store/image-store.js';
import { Snapshotter } from '../../chapters/02-images/layers/snapshotter.js';
import { unpackImage } from '../../chapters/02-images/layers/unpack.js';
import { makeTempDir, removeTempDir } from '../helpers/rootfs.js';
import { makeImage, makeLayer } from './store-fixtures.js';

describe('garbage collection', () => {
  let root: string;
  let work: string;
  let store: ImageStore;
  let snapshotter: Snapshotter;
  before(() => {
    root = makeTempDir();
    work = makeTempDir();
    snapshotter = new Snapshotter(root);
    store = new ImageStore(root, { snapshots: snapshotter });
  });
  after(() => {
    removeTempDir(root);
    removeTempDir(work);
  });

  const blobsOf = (image: { manifestDigest: string; configDigest: string; manifest: { layers: { digest: string }[] } }) => [
    image.manifestDigest,
    image.configDigest,
    ...image.manifest.layers.map((l) => l.digest),
  ];
  const snapshotDir = (chainId: string) => join(root, 'snapshots', hexOf(chainId as never));

  it('rmi of one image keeps the base layer and snapshot another image shares', async () => {
    const base = makeLayer(work, 'base', { 'etc/os-release': 'skiff\n' });
    const first = await makeImage(store, [base, makeLayer(work, 'one', { 'one.txt': '1' })], { ref: 'first' });
    const second = await makeImage(store, [base, makeLayer(work, 'two', { 'two.txt': '2' })], { ref: 'second' });
    await unpackImage(store, first, snapshotter);
    await unpackImage(store, second, snapshotter);
    const [baseChain, firstTop] = chainIds(first.config.rootfs.diff_ids);
    const [, secondTop] = chainIds(second.config.rootfs.diff_ids);
    assert.ok(snapshotter.exists(firstTop) && snapshotter.exists(secondTop) && snapshotter.exists(baseChain));

    const removed = await store.remove('first');
    assert.deepEqual(removed, [{ Untagged: 'first:latest' }, { Deleted: first.id }, { Deleted: firstTop }]);

    const shared = first.manifest.layers[0].digest;
    for (const digest of blobsOf(first)) {
      assert.equal(store.content.has(digest as never), digest === shared, `blob ${digest}`);
    }
    for (const digest of blobsOf(second)) assert.ok(store.content.has(digest as never));
    assert.equal(snapshotter.exists(firstTop), false);
    assert.equal(existsSync(snapshotDir(firstTop)), false);
    assert.ok(snapshotter.exists(baseChain) && snapshotter.exists(secondTop));
  });

  it('removing the last image frees every blob and snapshot', async () => {
    await store.remove('second');
    assert.deepEqual(store.content.list(), []);
    assert.deepEqual(snapshotter.list().committed, []);
  });

  it('image prune removes untagged images only; prune --all removes unused ones', async () => {
    const layer = makeLayer(work, 'p', { p: 'p' });
    const old = await makeImage(store, [layer], { ref: 'app', cmd: ['old'] });
    const current = await makeImage(store, [layer], { ref: 'app', cmd: ['new'] });
    const other = await makeImage(store, [makeLayer(work, 'q', { q: 'q' })], { ref: 'other' });
    assert.equal((await store.resolve(old.id)).name, '', 'the retagged image is dangling');

    const pruned = await store.prune();
    assert.deepEqual(pruned.deleted, [{ Deleted: old.id }]);
    assert.ok(pruned.spaceReclaimed > 0);
    assert.equal(store.content.has(old.configDigest), false);
    for (const digest of blobsOf(current)) assert.ok(store.content.has(digest as never));

    const all = await store.prune({ all: true, usedImageIds: new Set([current.id]) });
    assert.deepEqual(all.deleted, [{ Untagged: 'other:latest' }, { Deleted: other.id }]);
    assert.equal((await store.resolve('app')).id, current.id);
    assert.deepEqual(store.content.list().sort(), blobsOf(current).sort());
  });

  it('sweeps stray blobs no image refers to, and nothing else', async () => {
    const stray = await store.content.write(Buffer.from('left over by an interrupted build'));
    const before = store.content.list().length;
    const result = await store.gc();
    assert.deepEqual(result.removed, [stray.digest]);
    assert.equal(store.content.list().length, before - 1);
    await store.resolve('app');
  });

  it('removes half-written blobs whose writer died, and only those', async () => {
    // A real process that has exited: its pid names no process any more.
    const dead = spawnSync('true').pid!;
    const abandoned = join(store.content.ingestDir, `${dead}-1-crashed.partial`);
    // This process's pid, but another start time: a writer that died, whose pid was given to us.
    const reused = join(store.content.ingestDir, `${process.pid}-1-crashed.partial`);
    const inProgress = join(store.content.ingestDir, `${ownerTag()}-writing.partial`);
    for (const path of [abandoned, reused, inProgress]) writeFileSync(path, 'half a layer');
    await store.gc();
    assert.equal(existsSync(abandoned), false);
    assert.equal(existsSync(reused), false, 'a pid alone does not keep a file: the start time must match');
    assert.ok(existsSync(inProgress));
    rmSync(inProgress);
  });
});
