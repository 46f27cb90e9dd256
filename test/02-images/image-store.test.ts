// The image store: names in index.json, Docker's ways of naming an image,
// Docker's rmi rules, Docker schema2 documents converted to OCI, platform
// selection, and index updates that never lose a concurrent change.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { digestOf, hexOf } from '../../chapters/02-images/store/digest.js';
import { ImageConflictError, ImageStore } from '../../chapters/02-images/store/image-store.js';
import { encodeJson } from '../../chapters/02-images/store/manifest.js';
import { MediaType } from '../../chapters/02-images/store/media-types.js';
import { makeTempDir, removeTempDir } from '../helpers/rootfs.js';
import { makeImage, makeLayer } from './store-fixtures.js';

const REF_NAME = 'org.opencontainers.image.ref.name';

describe('image store', () => {
  let root: string;
  let store: ImageStore;
  let work: string;
  before(() => {
    root = makeTempDir();
    work = makeTempDir();
    store = new ImageStore(root);
  });
  after(() => {
    removeTempDir(root);
    removeTempDir(work);
  });

  const indexJson = () => JSON.parse(readFileSync(join(root, 'images/index.json'), 'utf8'));

  it('names an image in index.json with its full reference', async () => {
    const image = await makeImage(store, [makeLayer(work, 'a', { 'etc/a': 'a' })], { ref: 'app' });
    assert.equal(image.name, 'docker.io/library/app:latest');
    assert.equal(image.id, image.configDigest);
    const entry = indexJson().manifests.find((d: { digest: string }) => d.digest === image.manifestDigest);
    assert.equal(entry.annotations[REF_NAME], 'docker.io/library/app:latest');
    assert.equal(entry.mediaType, MediaType.ociManifest);
    assert.deepEqual(JSON.parse(readFileSync(join(root, 'images/oci-layout'), 'utf8')), { imageLayoutVersion: '1.0.0' });
  });

  it('resolves by name, full id, short id, manifest digest and name@digest', async () => {
    const image = await store.resolve('app');
    for (const name of [
      'app:latest',
      'docker.io/library/app',
      image.id,
      hexOf(image.id),
      hexOf(image.id).slice(0, 12),
      image.manifestDigest,
      `app@${image.manifestDigest}`,
    ]) {
      assert.equal((await store.resolve(name)).id, image.id, name);
    }
    await assert.rejects(store.resolve('nothere'), { message: 'No such image: nothere' });
    await assert.rejects(store.resolve('Bad:Ref:'), /invalid reference format/);
  });

  it('moves a tag, leaving the old image untagged (dangling)', async () => {
    const old = await store.resolve('app');
    const fresh = await makeImage(store, [makeLayer(work, 'b', { 'etc/b': 'b' })], { ref: 'app' });
    assert.notEqual(fresh.id, old.id);
    const images = await store.list();
    assert.equal(images.find((r) => r.name === 'docker.io/library/app:latest')?.id, fresh.id);
    assert.deepEqual(images.filter((r) => r.id === old.id).map((r) => r.name), ['']);
  });

  it('untags while other names remain, deletes with the last (docker rmi)', async () => {
    const image = await store.resolve('app');
    await store.tag('app', 'localhost:5000/app:v1');
    assert.deepEqual(await store.remove('app'), [{ Untagged: 'app:latest' }]);
    assert.equal((await store.resolve('localhost:5000/app:v1')).id, image.id);
    const removed = await store.remove('localhost:5000/app:v1');
    assert.deepEqual(removed.slice(0, 2), [{ Untagged: 'localhost:5000/app:v1' }, { Deleted: image.id }]);
    await assert.rejects(store.resolve(image.id), /No such image/);
    assert.equal(store.content.has(image.configDigest), false);
  });

  it('refuses, like Docker, to delete by id an image in several repositories, unless forced', async () => {
    const image = await makeImage(store, [makeLayer(work, 'c', { c: 'c' })], { ref: 'one:v1' });
    await store.tag('one:v1', 'two:v1');
    const short = hexOf(image.id).slice(0, 12);
    await assert.rejects(store.remove(short), (err: Error) => {
      assert.ok(err instanceof ImageConflictError);
      assert.equal(err.message, `conflict: unable to delete ${short} (must be forced) - image is referenced in multiple repositories`);
      return true;
    });
    const removed = await store.remove(short, { force: true });
    assert.deepEqual(removed.slice(0, 3), [{ Untagged: 'one:v1' }, { Untagged: 'two:v1' }, { Deleted: image.id }]);
  });

  it('refuses to delete an image a container uses', async () => {
    const image = await makeImage(store, [makeLayer(work, 'd', { d: 'd' })], { ref: 'used' });
    await assert.rejects(
      store.remove('used', { usedBy: ['0123456789abcdef'] }),
      // dockerd names the reference as typed: "used", not "used:latest".
      { message: `conflict: unable to remove repository reference "used" (must force) - container 0123456789ab is using its referenced image ${hexOf(image.id).slice(0, 12)}` },
    );
    // Forced: the name goes, the image stays (untagged) for the container.
    assert.deepEqual(await store.remove('used', { force: true, usedBy: ['0123456789abcdef'] }), [{ Untagged: 'used:latest' }]);
    assert.equal((await store.resolve(image.id)).name, '');
    assert.ok(store.content.has(image.configDigest));
  });

  it('converts a Docker schema2 manifest to OCI on import, keeping the same blobs', async () => {
    const base = await makeImage(store, [makeLayer(work, 'e', { e: 'e' })]);
    const dockerManifest = {
      schemaVersion: 2,
      mediaType: MediaType.dockerManifest,
      config: { mediaType: MediaType.dockerConfig, digest: base.configDigest, size: base.manifest.config.size },
      layers: base.manifest.layers.map((l) => ({ ...l, mediaType: MediaType.dockerLayer })),
    };
    const imported = await store.importManifest(encodeJson(dockerManifest), { ref: 'fromdocker:1' });
    assert.equal(imported.id, base.id);
    const stored = JSON.parse((await store.content.read(imported.manifestDigest)).toString());
    assert.equal(stored.mediaType, MediaType.ociManifest);
    assert.equal(stored.config.mediaType, MediaType.ociConfig);
    assert.equal(stored.layers[0].mediaType, MediaType.ociLayer);
    assert.equal(stored.layers[0].digest, base.manifest.layers[0].digest);
    assert.notEqual(imported.manifestDigest, digestOf(encodeJson(dockerManifest)));
  });

  it('picks linux/amd64 from a Docker manifest list, and names a missing platform', async () => {
    const amd = await makeImage(store, [makeLayer(work, 'amd', { arch: 'amd64' })]);
    const arm = await makeImage(store, [makeLayer(work, 'arm', { arch: 'arm64' })]);
    const entry = async (image: typeof amd, architecture: string) => ({
      mediaType: MediaType.ociManifest,
      digest: image.manifestDigest,
      size: store.content.size(image.manifestDigest),
      platform: { os: 'linux', architecture },
    });
    const list = encodeJson({
      schemaVersion: 2,
      mediaType: MediaType.dockerManifestList,
      manifests: [await entry(arm, 'arm64'), await entry(amd, 'amd64')],
    });
    const chosen = await store.importManifest(list, { ref: 'multi' });
    assert.equal(chosen.id, amd.id);
    const armChosen = await store.importManifest(list, { ref: 'multi:arm', platform: { os: 'linux', architecture: 'arm64' } });
    assert.equal(armChosen.id, arm.id);
    await assert.rejects(store.importManifest(list, { platform: { os: 'linux', architecture: 's390x' } }), {
      message: 'no matching manifest for linux/s390x in the manifest list entries',
    });
  });

  it('refuses to name a manifest whose blobs are missing', async () => {
    const manifest = encodeJson({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: `sha256:${'1'.repeat(64)}`, size: 2 },
      layers: [],
    });
    const before = JSON.stringify(indexJson());
    await assert.rejects(store.importManifest(manifest, { ref: 'broken' }), /is incomplete: blob sha256:1{64} is missing/);
    assert.equal(JSON.stringify(indexJson()), before);
  });

  it('takes over a lock whose owner is gone, even when its pid now names another process', async () => {
    await makeImage(store, [makeLayer(work, 'g', { g: 'g' })], { ref: 'locked' });
    // The lock of a process that died, whose pid this very process now has: same pid, another start time.
    writeFileSync(store.lockPath, `${process.pid}-1`);
    await store.tag('locked', 'locked:after');
    assert.ok((await store.list()).some((r) => r.name === 'docker.io/library/locked:after'));
    assert.equal(existsSync(store.lockPath), false, 'the lock is released');
  });

  it('keeps every tag when several processes tag at once', async () => {
    await makeImage(store, [makeLayer(work, 'f', { f: 'f' })], { ref: 'shared' });
    const script = `
      import { ImageStore } from ${JSON.stringify(join(import.meta.dirname, '../../chapters/02-images/store/image-store.ts'))};
      const store = new ImageStore(process.argv[1]);
      for (let i = 0; i < 5; i++) await store.tag('shared', 'shared:p' + process.argv[2] + '-' + i);
    `;
    const children = [0, 1, 2, 3].map(
      (n) =>
        new Promise<number>((resolve) => {
          const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, root, String(n)], { stdio: 'inherit' });
          child.on('exit', (code) => resolve(code ?? -1));
        }),
    );
    assert.deepEqual(await Promise.all(children), [0, 0, 0, 0]);
    const names = (await store.list()).map((r) => r.name).filter((n) => n.includes('shared:p'));
    assert.equal(names.length, 20);
  });
});
