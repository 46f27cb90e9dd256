// Applying tar layers: everything a tar can say about a file survives, with
// GNU tar as the independent peer that writes the layer.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, linkSync, lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { mknod } from '../../chapters/01-namespaces/libc.js';
import { lgetxattr, lsetxattr } from '../../chapters/02-images/layers/xattrs.js';
import { applyLayer } from '../../chapters/02-images/layers/layer-apply.js';
import { detectCompression } from '../../chapters/02-images/store/compression.js';
import { makeTempDir, removeTempDir } from '../helpers/rootfs.js';
import { describeTree, gzip, makeTar, sha256, streamOf } from './layer-fixtures.js';

let tmp: string;
before(() => {
  tmp = makeTempDir('skiff-layer-apply-');
});
after(() => removeTempDir(tmp));

/** A source tree with one of everything a layer can hold. */
function makeSourceTree(src: string): void {
  mkdirSync(join(src, 'usr/bin'), { recursive: true });
  mkdirSync(join(src, 'tmp'));
  chmodSync(join(src, 'tmp'), 0o1777); // sticky
  writeFileSync(join(src, 'usr/bin/su'), 'pretend su\n');
  chmodSync(join(src, 'usr/bin/su'), 0o4755); // setuid
  writeFileSync(join(src, 'usr/bin/wall'), 'pretend wall\n');
  chownSync(join(src, 'usr/bin/wall'), 0, 5);
  chmodSync(join(src, 'usr/bin/wall'), 0o2755); // setgid
  mkdirSync(join(src, 'home/nobody'), { recursive: true });
  writeFileSync(join(src, 'home/nobody/notes'), 'x'.repeat(100_000));
  chownSync(join(src, 'home/nobody/notes'), 65534, 65534);
  chownSync(join(src, 'home/nobody'), 65534, 65534);
  symlinkSync('../usr/bin/su', join(src, 'home/su-link'));
  linkSync(join(src, 'usr/bin/su'), join(src, 'usr/bin/su-hardlink'));
  mkdirSync(join(src, 'dev'));
  mknod(join(src, 'dev/null'), 0o020666, 1, 3);
  mknod(join(src, 'dev/loop0'), 0o060660, 7, 0);
  mknod(join(src, 'dev/fifo'), 0o010600, 0, 0);
  writeFileSync(join(src, 'with-xattr'), 'labelled\n');
  lsetxattr(join(src, 'with-xattr'), 'user.skiff.note', Buffer.from('hello'));
  lsetxattr(join(src, 'with-xattr'), 'trusted.skiff.label', Buffer.from('secret'));
  const old = new Date('2001-02-03T04:05:06Z');
  for (const p of ['usr/bin/su', 'home/nobody/notes', 'with-xattr', 'usr/bin', 'usr', 'home/nobody', 'home', 'dev', 'tmp', '']) {
    utimesSync(join(src, p), old, old);
  }
}

describe('applyLayer', () => {
  let src: string;
  let layerTar: Buffer;
  before(() => {
    src = join(tmp, 'src');
    mkdirSync(src);
    makeSourceTree(src);
    layerTar = execFileSync('tar', ['--xattrs', "--xattrs-include=*", '--numeric-owner', '-C', src, '-cf', '-', '.'], { maxBuffer: 1 << 26 });
  });

  test('a GNU tar layer comes back exactly: owners, modes, setuid/sticky, mtimes, links, devices, xattrs', async () => {
    const out = join(tmp, 'plain');
    mkdirSync(out);
    const result = await applyLayer(out, streamOf(layerTar));
    assert.deepEqual(describeTree(out), describeTree(src));
    assert.equal(lstatSync(join(out, 'usr/bin/su')).ino, lstatSync(join(out, 'usr/bin/su-hardlink')).ino, 'hard link kept');
    assert.equal(readlinkSync(join(out, 'home/su-link')), '../usr/bin/su');
    assert.equal(result.diffId, sha256(layerTar));
    assert.equal(result.size, layerTar.length);
  });

  test('gzip is detected by its magic bytes and the DiffID is the digest of the uncompressed tar', async () => {
    const out = join(tmp, 'gzipped');
    mkdirSync(out);
    const compressed = gzip(layerTar);
    assert.equal(detectCompression(compressed), 'gzip');
    assert.equal(detectCompression(layerTar), 'none');
    const result = await applyLayer(out, streamOf(compressed));
    assert.equal(result.diffId, sha256(layerTar));
    assert.notEqual(result.diffId, sha256(compressed));
    assert.deepEqual(describeTree(out), describeTree(src));
  });

  test('PAX xattrs, ownership, later entries replacing earlier ones, and directory mtimes set last', async () => {
    const out = join(tmp, 'crafted');
    mkdirSync(out);
    const outside = join(tmp, 'outside-target');
    writeFileSync(outside, 'untouched');
    const dirTime = new Date('1999-12-31T00:00:00Z');
    const layer = await makeTar([
      { name: 'etc/', type: 'directory', mode: 0o750, uid: 12, gid: 34, mtime: dirTime },
      { name: 'etc/conf', data: 'a=1\n' },
      { name: 'etc/labelled', data: 'x', uid: 1000, gid: 100, pax: { 'SCHILY.xattr.user.origin': 'crafted', 'LIBARCHIVE.xattr.user.bin': Buffer.from([0xff, 0, 1]).toString('base64') } },
      // a symlink at a name, then a file at the same name: the file replaces the link, never writes through it
      { name: 'etc/link', type: 'symlink', linkname: outside },
      { name: 'etc/link', data: 'replaced\n' },
      { name: 'etc/conf', data: 'a=2\n' }, // a later entry wins
    ]);
    await applyLayer(out, streamOf(layer));
    const etc = lstatSync(join(out, 'etc'));
    assert.equal(etc.mode & 0o7777, 0o750);
    assert.deepEqual([etc.uid, etc.gid], [12, 34]);
    assert.equal(etc.mtime.getTime(), dirTime.getTime(), 'directory mtime survives the files created in it');
    assert.equal(readFileSync(join(out, 'etc/conf'), 'utf8'), 'a=2\n');
    assert.equal(lgetxattr(join(out, 'etc/labelled'), 'user.origin').toString(), 'crafted');
    assert.deepEqual([...lgetxattr(join(out, 'etc/labelled'), 'user.bin')], [0xff, 0, 1]);
    assert.deepEqual([lstatSync(join(out, 'etc/labelled')).uid, lstatSync(join(out, 'etc/labelled')).gid], [1000, 100]);
    assert.ok(lstatSync(join(out, 'etc/link')).isFile());
    assert.equal(readFileSync(join(out, 'etc/link'), 'utf8'), 'replaced\n');
    assert.equal(readFileSync(outside, 'utf8'), 'untouched');
  });

  /** Tars `src` with GNU tar, xattrs included, and applies that layer into a new directory `out`. */
  async function applyGnuTarOf(src: string, out: string): Promise<string> {
    const layer = execFileSync('tar', ['--xattrs', '--xattrs-include=*', '--numeric-owner', '-C', src, '-cf', '-', '.']);
    mkdirSync(out);
    await applyLayer(out, streamOf(layer));
    return out;
  }

  test('file capabilities written by GNU tar come back (binary xattr values that happen to be valid UTF-8)', async () => {
    const capSrc = join(tmp, 'cap-src');
    mkdirSync(capSrc);
    writeFileSync(join(capSrc, 'ping'), 'pretend ping');
    // VFS_CAP_REVISION_2 with CAP_NET_RAW (13) permitted and effective, as `setcap cap_net_raw+ep` writes it.
    const capability = Buffer.from([0x01, 0, 0, 0x02, 0x00, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    lsetxattr(join(capSrc, 'ping'), 'security.capability', capability);
    const out = await applyGnuTarOf(capSrc, join(tmp, 'cap-out'));
    assert.deepEqual(lgetxattr(join(out, 'ping'), 'security.capability'), capability);
  });

  test('binary xattr values written by GNU tar come back byte for byte, even when they are not UTF-8', async () => {
    const capSrc = join(tmp, 'cap-setuid-src');
    mkdirSync(capSrc);
    writeFileSync(join(capSrc, 'newuidmap'), 'pretend newuidmap');
    // What `setcap cap_setuid+ep` writes: CAP_SETUID is bit 7, so the mask holds 0x80, which is not UTF-8.
    execFileSync('setcap', ['cap_setuid+ep', join(capSrc, 'newuidmap')]);
    const capability = lgetxattr(join(capSrc, 'newuidmap'), 'security.capability');
    assert.ok(capability.includes(0x80), 'the capability value has a byte that is not UTF-8');
    const binary = Buffer.from([0xff, 0xfe, 0x00, 0x0a, 0x3d, 0x80]); // NUL, newline and '=' inside
    writeFileSync(join(capSrc, 'labelled'), 'x');
    lsetxattr(join(capSrc, 'labelled'), 'user.binary', binary);
    const out = await applyGnuTarOf(capSrc, join(tmp, 'cap-setuid-out'));
    assert.deepEqual(lgetxattr(join(out, 'newuidmap'), 'security.capability'), capability);
    assert.deepEqual(lgetxattr(join(out, 'labelled'), 'user.binary'), binary);
    assert.match(execFileSync('getcap', [join(out, 'newuidmap')], { encoding: 'utf8' }), /cap_setuid[=+]ep/);
  });

  test('a truncated layer is an error, not a partial success', async () => {
    const out = join(tmp, 'truncated');
    mkdirSync(out);
    await assert.rejects(applyLayer(out, streamOf(layerTar.subarray(0, 5000))), /Unexpected end of data|premature|end/i);
  });

  test('a zstd layer is recognised by its magic bytes and refused by name', async () => {
    const out = join(tmp, 'zstd');
    mkdirSync(out);
    const zstdFrame = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(64)]);
    assert.equal(detectCompression(zstdFrame), 'zstd');
    await assert.rejects(applyLayer(out, streamOf(zstdFrame)), /zstd-compressed layers are not supported/);
  });

  test('garbage is refused with a clear error', async () => {
    const out = join(tmp, 'garbage');
    mkdirSync(out);
    await assert.rejects(applyLayer(out, streamOf(Buffer.alloc(2048, 0x41))), /Invalid tar header/);
  });
});
