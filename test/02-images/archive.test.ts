// load and save: docker save archives in both layouts docker has written
// (`<id>/layer.tar` before docker 25, `blobs/sha256/` since), OCI layout
// archives (including ones skopeo wrote), and loads that fail leaving the
// store exactly as it was.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createReadStream, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import tar from 'tar-stream';
import { loadArchive, saveArchive, saveArchiveToFile } from '../../chapters/02-images/store/archive.js';
import { digestOf, hexOf } from '../../chapters/02-images/store/digest.js';
import { ImageStore, type ImageRecord } from '../../chapters/02-images/store/image-store.js';
import { MediaType } from '../../chapters/02-images/store/media-types.js';
import { makeTempDir, removeTempDir } from '../helpers/rootfs.js';
import { makeImage, makeLayer } from './store-fixtures.js';

type Entry = { name: string; body?: Buffer | string; linkname?: string; type?: 'symlink' | 'directory' };

/** Builds a tar in memory from entries, as docker's or a hostile tool's writer would. */
async function makeTar(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) {
    if (e.type === 'symlink') pack.entry({ name: e.name, type: 'symlink', linkname: e.linkname });
    else if (e.type === 'directory') pack.entry({ name: e.name, type: 'directory' });
    else pack.entry({ name: e.name }, typeof e.body === 'string' ? Buffer.from(e.body) : (e.body ?? Buffer.alloc(0)));
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack as unknown as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function tarEntries(archive: Buffer): Promise<Map<string, Buffer>> {
  const extract = tar.extract();
  const files = new Map<string, Buffer>();
  const done = (async () => {
    for await (const entry of extract as unknown as AsyncIterable<tar.Entry & { header: tar.Header }>) {
      const chunks: Buffer[] = [];
      for await (const c of entry as unknown as AsyncIterable<Buffer>) chunks.push(c);
      files.set(entry.header.name, Buffer.concat(chunks));
    }
  })();
  Readable.from([archive]).pipe(extract as never);
  await done;
  return files;
}

const configFor = (layers: Buffer[], cmd: string[]) =>
  JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    created: '2024-05-01T10:00:00Z',
    config: { Cmd: cmd },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => digestOf(l)) },
  });

describe('load and save', () => {
  let work: string;
  const roots: string[] = [];
  const freshStore = () => {
    const root = makeTempDir();
    roots.push(root);
    return new ImageStore(root);
  };
  let base: Buffer;
  let top: Buffer;
  before(() => {
    work = makeTempDir();
    base = makeLayer(work, 'base', { 'etc/hostname': 'base\n', 'bin/tool': '#!/bin/sh\n' });
    top = makeLayer(work, 'top', { 'app/hello': 'hello\n' });
  });
  after(() => {
    removeTempDir(work);
    for (const r of roots) removeTempDir(r);
  });

  /** A docker save archive in the layout dockerd wrote before version 25. */
  async function legacyDockerArchive(options: { gzipTop?: boolean } = {}): Promise<{ archive: Buffer; config: string }> {
    const config = configFor([base, top], ['/app/hello']);
    const id = hexOf(digestOf(config));
    const [v1a, v1b, v1c] = ['a', 'b', 'c'].map((c) => c.repeat(64));
    const archive = await makeTar([
      { name: `${v1a}/`, type: 'directory' },
      { name: `${v1a}/VERSION`, body: '1.0' },
      { name: `${v1a}/json`, body: JSON.stringify({ id: v1a }) },
      { name: `${v1a}/layer.tar`, body: base },
      { name: `${v1b}/layer.tar`, body: options.gzipTop ? gzipSync(top) : top },
      { name: `${id}.json`, body: config },
      // docker writes a repeated layer as a symlink to the first copy
      { name: `${v1c}/layer.tar`, type: 'symlink', linkname: `../${v1a}/layer.tar` },
      {
        name: 'manifest.json',
        body: JSON.stringify([
          { Config: `${id}.json`, RepoTags: ['legacy:v1', 'localhost:5000/legacy:v1'], Layers: [`${v1a}/layer.tar`, `${v1b}/layer.tar`] },
          { Config: `${id}.json`, RepoTags: null, Layers: [`${v1c}/layer.tar`, `${v1b}/layer.tar`] },
        ]),
      },
      { name: 'repositories', body: JSON.stringify({ legacy: { v1: v1b } }) },
    ]);
    return { archive, config };
  }

  it('loads a docker save archive in the pre-25 layout (<id>/layer.tar, symlinked repeats)', async () => {
    const store = freshStore();
    const { archive, config } = await legacyDockerArchive();
    const loaded = await loadArchive(store, Readable.from([archive]));
    const id = digestOf(config);
    assert.deepEqual(loaded, [
      { id, name: 'legacy:v1' },
      { id, name: 'localhost:5000/legacy:v1' },
      { id },
    ]);
    const image = await store.resolve('legacy:v1');
    assert.equal(image.id, id);
    assert.equal((await store.content.read(image.configDigest)).toString(), config, 'config bytes kept: the id is docker\'s');
    assert.deepEqual(image.manifest.layers.map((l) => [l.mediaType, l.digest]), [
      [MediaType.ociLayer, digestOf(base)],
      [MediaType.ociLayer, digestOf(top)],
    ]);
    // manifest.json, repositories and the v1 json files are not kept as blobs.
    const expected = [image.manifestDigest, image.configDigest, digestOf(base), digestOf(top)].sort();
    assert.deepEqual(store.content.list().sort(), expected);
  });

  it('loads a gzipped archive with a gzipped layer, checking the layer against its diff id', async () => {
    const store = freshStore();
    const { archive } = await legacyDockerArchive({ gzipTop: true });
    await loadArchive(store, Readable.from([gzipSync(archive)]));
    const image = await store.resolve('legacy:v1');
    assert.equal(image.manifest.layers[1].mediaType, MediaType.ociLayerGzip);
    assert.deepEqual(image.config.rootfs.diff_ids, [digestOf(base), digestOf(top)]);
  });

  it('saves in the docker 25+ layout and loads it back with the same ids and names', async () => {
    const store = freshStore();
    const image = await makeImage(store, [base, top], { ref: 'roundtrip:1' });
    await store.tag('roundtrip:1', 'localhost:5000/roundtrip:2');
    const file = join(work, 'docker.tar');
    await saveArchiveToFile(store, ['roundtrip:1', 'localhost:5000/roundtrip:2'], file);
    const files = await tarEntries(readFileSync(file));
    const manifestJson = JSON.parse(files.get('manifest.json')!.toString());
    assert.deepEqual(manifestJson, [
      {
        Config: `blobs/sha256/${hexOf(image.configDigest)}`,
        RepoTags: ['roundtrip:1', 'localhost:5000/roundtrip:2'],
        Layers: image.manifest.layers.map((l) => `blobs/sha256/${hexOf(l.digest)}`),
      },
    ]);
    assert.deepEqual(JSON.parse(files.get('repositories')!.toString()), {
      roundtrip: { '1': hexOf(digestOf(top)) },
      'localhost:5000/roundtrip': { '2': hexOf(digestOf(top)) },
    });
    assert.deepEqual(JSON.parse(files.get('oci-layout')!.toString()), { imageLayoutVersion: '1.0.0' });
    for (const [name, bytes] of files) {
      if (name.startsWith('blobs/sha256/') && bytes.length) assert.equal(hexOf(digestOf(bytes)), name.slice(13));
    }
    const again = freshStore();
    const loaded = await loadArchive(again, createReadStream(file));
    assert.deepEqual(loaded.map((l) => l.name), ['roundtrip:1', 'localhost:5000/roundtrip:2']);
    assert.equal((await again.resolve('localhost:5000/roundtrip:2')).id, image.id);
    assert.equal((await again.resolve('roundtrip:1')).manifestDigest, image.manifestDigest);
  });

  it('saves an image named by id untagged, as docker save does', async () => {
    const store = freshStore();
    const image = await makeImage(store, [base], { ref: 'byid' });
    const chunks: Buffer[] = [];
    const sink = new (await import('node:stream')).Writable({
      write(chunk, _enc, cb) {
        chunks.push(chunk);
        cb();
      },
    });
    await saveArchive(store, [hexOf(image.id).slice(0, 12)], sink);
    const manifestJson = JSON.parse((await tarEntries(Buffer.concat(chunks))).get('manifest.json')!.toString());
    assert.equal(manifestJson[0].RepoTags, null);
  });

  it('saves and loads an OCI layout archive, which skopeo reads', async () => {
    const store = freshStore();
    const image: ImageRecord = await makeImage(store, [base, top], { ref: 'ocirt:1' });
    const file = join(work, 'oci.tar');
    await saveArchiveToFile(store, ['ocirt:1'], file, { format: 'oci' });
    const files = await tarEntries(readFileSync(file));
    assert.equal(files.has('manifest.json'), false);
    const inspected = spawnSync('skopeo', ['inspect', `oci-archive:${file}:docker.io/library/ocirt:1`], { encoding: 'utf8' });
    assert.equal(inspected.status, 0, inspected.stderr);
    assert.equal(JSON.parse(inspected.stdout).Digest, image.manifestDigest);
    const again = freshStore();
    assert.deepEqual(await loadArchive(again, createReadStream(file)), [{ id: image.id, name: 'ocirt:1' }]);
  });

  it('loads an OCI archive that skopeo wrote', async () => {
    const store = freshStore();
    const image = await makeImage(store, [base, top], { ref: 'src:1' });
    const file = join(work, 'skopeo-oci.tar');
    const copied = spawnSync('skopeo', ['copy', '--quiet', `oci:${store.layoutDir}:docker.io/library/src:1`, `oci-archive:${file}:example.com/made/by-skopeo:v2`], { encoding: 'utf8' });
    assert.equal(copied.status, 0, copied.stderr);
    const again = freshStore();
    const loaded = await loadArchive(again, createReadStream(file));
    assert.deepEqual(loaded.map((l) => l.name), ['example.com/made/by-skopeo:v2']);
    const got = await again.resolve('example.com/made/by-skopeo:v2');
    assert.deepEqual(got.config.rootfs.diff_ids, image.config.rootfs.diff_ids);
  });

  describe('a bad archive changes nothing', () => {
    let store: ImageStore;
    let snapshot: () => string;
    before(async () => {
      store = freshStore();
      await makeImage(store, [base], { ref: 'bystander' });
      snapshot = () =>
        JSON.stringify([
          readFileSync(join(store.layoutDir, 'index.json'), 'utf8'),
          store.content.list().sort(),
          readdirSync(store.content.ingestDir),
        ]);
    });

    const refuse = async (archive: Buffer, message: RegExp) => {
      const before = snapshot();
      await assert.rejects(loadArchive(store, Readable.from([archive])), message);
      assert.equal(snapshot(), before);
    };

    it('a blob whose bytes do not match its name', async () => {
      const lying = `blobs/sha256/${'e'.repeat(64)}`;
      await refuse(
        await makeTar([{ name: 'oci-layout', body: '{"imageLayoutVersion":"1.0.0"}' }, { name: lying, body: top }]),
        /^RuntimeError: load failed: digest mismatch: expected sha256:e{64}, got sha256:/,
      );
    });

    it('a layer that does not match the diff id in its config', async () => {
      const config = configFor([base], ['sh']);
      const archive = await makeTar([
        { name: 'config.json', body: config },
        { name: 'l/layer.tar', body: top },
        { name: 'manifest.json', body: JSON.stringify([{ Config: 'config.json', RepoTags: ['evil:1'], Layers: ['l/layer.tar'] }]) },
      ]);
      await refuse(archive, /load failed: invalid archive: layer l\/layer.tar has diff id sha256:[0-9a-f]{64}, the config says/);
      await assert.rejects(store.resolve('evil:1'), /No such image/);
    });

    it('an entry that climbs out of the archive', async () => {
      await refuse(await makeTar([{ name: '../../etc/evil', body: 'x' }]), /points outside the archive/);
    });

    it('a symlink that points out of the archive', async () => {
      const config = configFor([base], ['sh']);
      const archive = await makeTar([
        { name: 'config.json', body: config },
        { name: 'l/layer.tar', type: 'symlink', linkname: '../../../../etc/shadow' },
        { name: 'manifest.json', body: JSON.stringify([{ Config: 'config.json', RepoTags: ['evil:2'], Layers: ['l/layer.tar'] }]) },
      ]);
      await refuse(archive, /link l\/layer.tar points outside the archive/);
    });

    it('a good image next to a bad one: neither is named', async () => {
      const good = configFor([base], ['good']);
      const bad = configFor([base], ['bad']);
      const archive = await makeTar([
        { name: 'good.json', body: good },
        { name: 'bad.json', body: bad },
        { name: 'l/layer.tar', body: base },
        { name: 'm/layer.tar', body: top },
        {
          name: 'manifest.json',
          body: JSON.stringify([
            { Config: 'good.json', RepoTags: ['fine:1'], Layers: ['l/layer.tar'] },
            { Config: 'bad.json', RepoTags: ['evil:4'], Layers: ['m/layer.tar'] },
          ]),
        },
      ]);
      await refuse(archive, /layer m\/layer.tar has diff id/);
      await assert.rejects(store.resolve('fine:1'), /No such image/);
    });

    it('an OCI archive whose index names an incomplete image', async () => {
      const source = freshStore();
      const image = await makeImage(source, [base, top], { ref: 'partial:1' });
      const file = join(work, 'partial-source.tar');
      await saveArchiveToFile(source, ['partial:1'], file, { format: 'oci' });
      const files = await tarEntries(readFileSync(file));
      const missing = `blobs/sha256/${hexOf(image.manifest.layers[1].digest)}`;
      const entries = [...files].filter(([name, body]) => name !== missing && !(name.endsWith('/') && body.length === 0));
      await refuse(
        await makeTar(entries.map(([name, body]) => ({ name, body }))),
        new RegExp(`blob ${image.manifest.layers[1].digest} of manifest ${image.manifestDigest} is missing`),
      );
    });

    it('a missing layer', async () => {
      const config = configFor([base], ['sh']);
      const archive = await makeTar([
        { name: 'config.json', body: config },
        { name: 'manifest.json', body: JSON.stringify([{ Config: 'config.json', RepoTags: ['evil:3'], Layers: ['nothere/layer.tar'] }]) },
      ]);
      await refuse(archive, /layer nothere\/layer.tar is missing/);
    });

    it('a truncated archive', async () => {
      const { archive } = await legacyDockerArchive();
      await refuse(archive.subarray(0, 5000), /load failed/);
    });

    it('something that is no image archive at all', async () => {
      await refuse(await makeTar([{ name: 'README', body: 'hello' }]), /no manifest.json \(docker save\) nor index.json and oci-layout/);
    });
  });
});

