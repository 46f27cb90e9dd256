// ChainIDs, checked against sha256sum (an independent implementation of the
// spec's formula) and against what they are for: sharing snapshots.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chainId, chainIds } from '../../chapters/02-images/layers/chain-id.js';
import type { Digest } from '../../chapters/02-images/store/digest.js';
import { Snapshotter } from '../../chapters/02-images/layers/snapshotter.js';
import { unpackImage } from '../../chapters/02-images/layers/unpack.js';
import { makeTempDir, removeTempDir } from '../helpers/rootfs.js';
import { gzip, makeTar, sha256, streamOf } from './layer-fixtures.js';

let tmp: string;
before(() => {
  tmp = makeTempDir('skiff-chain-id-');
});
after(() => removeTempDir(tmp));

const shell = (text: string): string => `sha256:${execFileSync('sha256sum', { input: text, encoding: 'utf8' }).split(' ')[0]}`;

test('ChainID(L0) is DiffID(L0); ChainID(L0..Ln) = sha256(ChainID(L0..Ln-1) + " " + DiffID(Ln))', () => {
  const diffIds = ['a', 'b', 'c'].map((x) => shell(x)) as Digest[];
  const ids = chainIds(diffIds);
  assert.equal(ids[0], diffIds[0]);
  assert.equal(ids[1], shell(`${diffIds[0]} ${diffIds[1]}`));
  assert.equal(ids[2], shell(`${ids[1]} ${diffIds[2]}`));
  assert.equal(chainId(ids[1], diffIds[2]), ids[2]);
  assert.notEqual(chainIds([diffIds[1], diffIds[0]])[1], ids[1], 'order matters');
});

test('two images sharing a base layer share its snapshot; the blob may be gzipped or not', async () => {
  const baseTar = await makeTar([{ name: 'base', data: 'shared' }]);
  const aTar = await makeTar([{ name: 'a', data: 'only in a' }]);
  const bTar = await makeTar([{ name: 'b', data: 'only in b' }]);
  const blobs = new Map<string, Buffer>([
    [sha256(gzip(baseTar)), gzip(baseTar)],
    [sha256(aTar), aTar],
    [sha256(gzip(bTar)), gzip(bTar)],
  ]);
  const store = { content: { createReadStream: (d: Digest) => streamOf(blobs.get(d)!) } };
  const image = (layers: Buffer[], tars: Buffer[]) => ({
    manifest: { layers: layers.map((l) => ({ digest: sha256(l) as Digest })) },
    config: { rootfs: { diff_ids: tars.map((t) => sha256(t) as Digest) } },
  });
  const snapshotter = new Snapshotter(join(tmp, 'root'));
  const topA = await unpackImage(store, image([gzip(baseTar), aTar], [baseTar, aTar]), snapshotter);
  const topB = await unpackImage(store, image([gzip(baseTar), gzip(bTar)], [baseTar, bTar]), snapshotter);
  const committed = snapshotter.list().committed;
  assert.equal(committed.length, 3, 'base once, plus one each');
  assert.equal(topA, chainIds([sha256(baseTar), sha256(aTar)] as Digest[])[1]);
  assert.deepEqual(snapshotter.layerDirs(topB!).map((d) => readdirSync(d)), [['b'], ['base']]);
  assert.equal(await unpackImage(store, image([], []), snapshotter), null);
});

test('a layer blob that does not match its diff_id is refused and not kept', async () => {
  const real = await makeTar([{ name: 'real', data: 'real' }]);
  const swapped = await makeTar([{ name: 'evil', data: 'swapped' }]);
  const store = { content: { createReadStream: () => streamOf(swapped) } };
  const snapshotter = new Snapshotter(join(tmp, 'root2'));
  const image = { manifest: { layers: [{ digest: sha256(real) as Digest }] }, config: { rootfs: { diff_ids: [sha256(real) as Digest] } } };
  await assert.rejects(unpackImage(store, image, snapshotter), /layer content does not match/);
  assert.deepEqual(snapshotter.list().committed, []);
});
