// Layer diffs: what a container changed, written as a tar layer with
// whiteouts, and committed as a new snapshot that shows exactly what the
// container saw — with overlayfs and with the copy fallback.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, createWriteStream, linkSync, mkdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chainId, type LayerChainId } from '../../chapters/02-images/layers/chain-id.js';
import type { Digest } from '../../chapters/02-images/store/digest.js';
import { mountRootfs, unmountRootfs } from '../../chapters/02-images/layers/overlay.js';
import { Snapshotter, type SnapshotMode } from '../../chapters/02-images/layers/snapshotter.js';
import { importLayer } from '../../chapters/02-images/layers/applier.js';
import { commitLayer } from '../../chapters/02-images/layers/commit-layer.js';
import { diffSnapshot } from '../../chapters/02-images/layers/differ.js';
import { makeTempDir, removeTempDir } from '../helpers/rootfs.js';
import { describeTree, makeTar, mountsUnder, sha256, streamOf } from './layer-fixtures.js';

let tmp: string;
let base: LayerChainId;

before(async () => {
  tmp = makeTempDir('skiff-layer-diff-');
  const layer = await makeTar([
    { name: 'etc/', type: 'directory', mode: 0o755 },
    { name: 'etc/passwd', data: 'root:x:0:0::/root:/bin/sh\n' },
    { name: 'etc/hostname', data: 'base\n' },
    { name: 'bin/', type: 'directory', mode: 0o755 },
    { name: 'bin/tool', data: 'tool', mode: 0o755 },
    { name: 'bin/tool-alias', type: 'link', linkname: 'bin/tool' },
    { name: 'var/cache/', type: 'directory', mode: 0o755 },
    { name: 'var/cache/old1', data: '1' },
    { name: 'var/cache/old2', data: '2' },
  ]);
  base = chainId(null, sha256(layer) as Digest);
  await importLayer(new Snapshotter(join(tmp, 'root'), 'overlay'), base, null, streamOf(layer));
});
after(() => {
  assert.deepEqual(mountsUnder(tmp), [], 'tests leave no mounts behind');
  removeTempDir(tmp);
});

/** What a container might do to its root filesystem. */
function mutate(rootfs: string): void {
  appendFileSync(join(rootfs, 'etc/passwd'), 'app:x:1000:1000::/home/app:/bin/sh\n');
  chmodSync(join(rootfs, 'etc/hostname'), 0o600);
  unlinkSync(join(rootfs, 'bin/tool-alias'));
  rmSync(join(rootfs, 'var/cache'), { recursive: true });
  mkdirSync(join(rootfs, 'var/cache'));
  writeFileSync(join(rootfs, 'var/cache/new'), 'new');
  mkdirSync(join(rootfs, 'srv/data'), { recursive: true });
  writeFileSync(join(rootfs, 'srv/data/h1'), 'linked');
  linkSync(join(rootfs, 'srv/data/h1'), join(rootfs, 'srv/data/h2'));
  symlinkSync('/etc/passwd', join(rootfs, 'srv/passwd-link'));
}

const results: Partial<Record<SnapshotMode, { view: string[]; committed: string[] }>> = {};

for (const mode of ['overlay', 'copy'] as const) {
  describe(`layer diff (${mode} mode)`, () => {
    const snapshotter = () => new Snapshotter(join(tmp, 'root'), mode);
    const key = `container-${mode}`;
    let tarPath: string;
    let diffId: Digest;

    test('a container changes its writable layer; the diff is a tar layer with whiteouts GNU tar can read', async () => {
      const s = snapshotter();
      const target = join(tmp, `rootfs-${mode}`);
      mkdirSync(target);
      mountRootfs(await s.prepare(key, base), target);
      let seen: string[];
      try {
        mutate(target);
        seen = describeTree(target, { rootMtime: false });
      } finally {
        unmountRootfs(target);
      }
      tarPath = join(tmp, `diff-${mode}.tar`);
      ({ diffId } = await diffSnapshot(s, key, createWriteStream(tarPath)));
      assert.equal(diffId, sha256(readFileSync(tarPath)));

      const listing = execFileSync('tar', ['-tvf', tarPath], { encoding: 'utf8' });
      const names = execFileSync('tar', ['-tf', tarPath], { encoding: 'utf8' }).trim().split('\n');
      assert.ok(names.includes('bin/.wh.tool-alias'), listing);
      assert.ok(names.includes('etc/passwd') && names.includes('etc/hostname'), listing);
      assert.ok(!names.includes('bin/tool'), `unchanged files stay out of the diff\n${listing}`);
      assert.match(listing, /srv\/data\/h2 link to srv\/data\/h1/);
      assert.match(listing, /srv\/passwd-link -> \/etc\/passwd/);
      if (mode === 'overlay') {
        assert.ok(names.includes('var/cache/.wh..wh..opq'), `a recreated directory is opaque\n${listing}`);
      } else {
        assert.ok(names.includes('var/cache/.wh.old1') && names.includes('var/cache/.wh.old2'), listing);
      }
      results[mode] = { view: seen, committed: [] };
    });

    test('committing the active snapshot gives a snapshot that looks exactly like the container did', async () => {
      const s = snapshotter();
      const next = chainId(base, diffId);
      const layer = join(tmp, `commit-${mode}.tar`);
      const committed = await commitLayer(s, key, createWriteStream(layer));
      assert.equal(committed.diffId, diffId, 'commit re-derives the same DiffID');
      assert.equal(sha256(readFileSync(layer)), diffId, 'the layer it hands out is the tar it committed');
      assert.equal(committed.chainId, next, 'named by the ChainID of parent and DiffID');
      assert.ok(s.exists(next));
      assert.equal(s.list().active.some((a) => a.key === key), false, 'commit consumes the active snapshot');
      const target = join(tmp, `committed-${mode}`);
      mkdirSync(target);
      mountRootfs(await s.view(`check-${mode}`, next), target);
      try {
        const view = describeTree(target, { rootMtime: false });
        assert.deepEqual(view, results[mode]?.view);
        results[mode]!.committed = describeTree(target, { mtimes: false });
      } finally {
        unmountRootfs(target);
        await s.remove(`check-${mode}`);
      }
    });
  });
}

test('both modes commit the same files, modes, owners, links and contents', () => {
  assert.ok(results.overlay?.committed.length && results.copy?.committed.length);
  assert.deepEqual(results.copy!.committed, results.overlay!.committed);
});
