// Hostile layers: every way a tar entry could write outside its snapshot is
// refused, the error names the entry, and nothing of the layer is kept.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chainId } from '../../chapters/02-images/layers/chain-id.js';
import { Snapshotter } from '../../chapters/02-images/layers/snapshotter.js';
import { importLayer } from '../../chapters/02-images/layers/applier.js';
import { makeTempDir, removeTempDir } from '../helpers/rootfs.js';
import { gzip, makeTar, sha256, streamOf, type TarEntry } from './layer-fixtures.js';

let tmp: string;
let outside: string;
let snapshotter: Snapshotter;

before(() => {
  tmp = makeTempDir('skiff-malicious-');
  outside = join(tmp, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'victim'), 'original');
  snapshotter = new Snapshotter(join(tmp, 'root'));
});
after(() => removeTempDir(tmp));

/** Imports a crafted layer and expects refusal naming `entry`; checks nothing was written or kept. */
async function expectRefused(entries: TarEntry[], entry: string, reason: RegExp): Promise<void> {
  const layer = await makeTar(entries);
  const id = chainId(null, sha256(layer) as `sha256:${string}`);
  for (const bytes of [layer, gzip(layer)]) {
    await assert.rejects(importLayer(snapshotter, id, null, streamOf(bytes)), (err: Error) => {
      assert.match(err.message, new RegExp(`entry ${JSON.stringify(entry).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
      assert.match(err.message, reason);
      return true;
    });
    assert.equal(snapshotter.exists(id), false, 'no snapshot is kept');
    assert.deepEqual(readdirSync(join(snapshotter.dir, 'tmp')), [], 'no half-applied directory is left');
    assert.deepEqual(readdirSync(outside).sort(), ['victim'], 'nothing appeared outside');
    assert.equal(readFileSync(join(outside, 'victim'), 'utf8'), 'original', 'nothing outside was overwritten');
  }
}

describe('hostile layers are refused', () => {
  test('"../" paths', async () => {
    await expectRefused([{ name: 'ok', data: 'fine' }, { name: '../../outside/evil', data: 'x' }], '../../outside/evil', /"\.\." component/);
  });

  test('".." hidden in the middle of a path', async () => {
    await expectRefused([{ name: 'a/', type: 'directory' }, { name: 'a/../../evil', data: 'x' }], 'a/../../evil', /"\.\." component/);
  });

  test('absolute paths', async () => {
    await expectRefused([{ name: `${outside}/evil`, data: 'x' }], `${outside}/evil`, /absolute path/);
  });

  test('a symlinked parent directory created by an earlier entry of the same layer', async () => {
    await expectRefused(
      [
        { name: 'escape', type: 'symlink', linkname: outside },
        { name: 'escape/victim', data: 'overwritten' },
      ],
      'escape/victim',
      /"escape", which is a symlink/,
    );
  });

  test('a relative symlink climbing out, used as a parent deeper down', async () => {
    await expectRefused(
      [
        { name: 'a/b/', type: 'directory' },
        { name: 'a/b/up', type: 'symlink', linkname: '../../../outside' },
        { name: 'a/b/up/evil', data: 'x' },
      ],
      'a/b/up/evil',
      /"a\/b\/up", which is a symlink/,
    );
  });

  test('a directory replaced by a symlink, then written through', async () => {
    await expectRefused(
      [
        { name: 'd/', type: 'directory' },
        { name: 'd/file', data: 'inside' },
        { name: 'd', type: 'symlink', linkname: outside },
        { name: 'd/victim', data: 'overwritten' },
      ],
      'd/victim',
      /"d", which is a symlink/,
    );
  });

  test('a hard link to a file outside', async () => {
    await expectRefused([{ name: 'passwd', type: 'link', linkname: `${outside}/victim` }], 'passwd', /absolute path/);
    await expectRefused([{ name: 'passwd', type: 'link', linkname: '../outside/victim' }], 'passwd', /"\.\." component/);
  });

  test('a hard link through a symlinked directory', async () => {
    await expectRefused(
      [
        { name: 'door', type: 'symlink', linkname: outside },
        { name: 'stolen', type: 'link', linkname: 'door/victim' },
      ],
      'stolen',
      /"door", which is a symlink/,
    );
  });

  test('a whiteout whose parent is a symlink', async () => {
    await expectRefused(
      [
        { name: 'door', type: 'symlink', linkname: outside },
        { name: 'door/.wh.victim', data: '' },
      ],
      'door/.wh.victim',
      /"door", which is a symlink/,
    );
  });

  test('whiteouts of "." and ".." (which would delete the snapshot or its parent)', async () => {
    await expectRefused([{ name: 'a/', type: 'directory' }, { name: 'a/.wh...', data: '' }], 'a/.wh...', /whites out "\.\."/);
    await expectRefused([{ name: '.wh...', data: '' }], '.wh...', /whites out "\.\."/);
    await expectRefused([{ name: 'a/.wh..', data: '' }], 'a/.wh..', /whites out "\."/);
  });

  test('an opaque marker in a symlinked directory', async () => {
    await expectRefused(
      [
        { name: 'door', type: 'symlink', linkname: outside },
        { name: 'door/.wh..wh..opq', data: '' },
      ],
      'door/.wh..wh..opq',
      /"door", which is a symlink/,
    );
  });

  test('a refusal late in a large layer still leaves nothing behind', async () => {
    const many: TarEntry[] = [];
    for (let i = 0; i < 200; i++) many.push({ name: `files/f${i}`, data: `content ${i}` });
    many.push({ name: '../late-escape', data: 'x' });
    await expectRefused(many, '../late-escape', /"\.\." component/);
  });

  test('an honest layer with symlinks pointing anywhere is accepted: links are never followed while unpacking', async () => {
    const layer = await makeTar([
      { name: 'etc/', type: 'directory' },
      { name: 'etc/abs-link', type: 'symlink', linkname: '/etc/passwd' },
      { name: 'etc/up-link', type: 'symlink', linkname: '../../../../outside/victim' },
      { name: 'etc/hard', data: 'one inode' },
      { name: 'etc/hard2', type: 'link', linkname: 'etc/hard' },
    ]);
    const id = chainId(null, sha256(layer) as `sha256:${string}`);
    await importLayer(snapshotter, id, null, streamOf(layer));
    assert.equal(snapshotter.exists(id), true);
    assert.ok(existsSync(join(snapshotter.layerDirs(id)[0], 'etc/hard2')));
    assert.equal(readFileSync(join(outside, 'victim'), 'utf8'), 'original');
  });
});
