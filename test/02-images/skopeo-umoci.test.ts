// The store's directory is an OCI Image Layout that tools nobody here wrote
// read and write: skopeo copies images out of it (and into it), umoci lists,
// inspects and unpacks them.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { digestOf, hexOf } from '../../chapters/02-images/store/digest.js';
import { ImageStore, type ImageRecord } from '../../chapters/02-images/store/image-store.js';
import { MediaType } from '../../chapters/02-images/store/media-types.js';
import { makeBusyboxRootfs, makeTempDir, removeTempDir } from '../helpers/rootfs.js';
import { tarDirectory } from '../helpers/dockerd.js';
import { makeLayer } from './store-fixtures.js';

function run(cmd: string, args: string[]): string {
  const result = spawnSync(cmd, args, { encoding: 'utf8' });
  assert.equal(result.status, 0, `${cmd} ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

describe('skopeo and umoci read the store', () => {
  let root: string;
  let work: string;
  let store: ImageStore;
  let busybox: ImageRecord;
  before(async () => {
    root = makeTempDir();
    work = makeTempDir();
    store = new ImageStore(root);
    const base = readFileSync(tarDirectory(makeBusyboxRootfs(join(work, 'rootfs')), join(work, 'rootfs.tar')));
    // The second layer deletes a file of the first with a whiteout (image-spec layer.md).
    const top = makeLayer(work, 'top', { 'hello.txt': 'hello from the top layer\n', 'etc/.wh.group': '' });
    // One layer stored gzip-compressed, one plain: both media types must be read.
    const gz = await store.content.write(gzipSync(base));
    const plain = await store.content.write(top);
    busybox = await store.putImage({
      config: {
        created: '2024-01-01T00:00:00Z',
        architecture: 'amd64',
        os: 'linux',
        config: { Cmd: ['sh'], Env: ['PATH=/usr/sbin:/usr/bin:/sbin:/bin'], WorkingDir: '/' },
        rootfs: { type: 'layers', diff_ids: [digestOf(base), digestOf(top)] },
        history: [{ created_by: 'busybox rootfs' }, { created_by: 'hello' }],
      },
      layers: [
        { mediaType: MediaType.ociLayerGzip, digest: gz.digest, size: gz.size },
        { mediaType: MediaType.ociLayer, digest: plain.digest, size: plain.size },
      ],
      ref: 'busybox',
    });
    await store.tag('busybox', 'localhost:5000/team/bb:v1');
  });
  after(() => {
    removeTempDir(root);
    removeTempDir(work);
  });

  const layout = () => join(root, 'images');

  it('skopeo inspects an image by its full name', () => {
    const info = JSON.parse(run('skopeo', ['inspect', `oci:${layout()}:docker.io/library/busybox:latest`]));
    assert.equal(info.Digest, busybox.manifestDigest);
    assert.deepEqual(info.Layers, busybox.manifest.layers.map((l) => l.digest));
    assert.equal(info.Architecture, 'amd64');
    const config = JSON.parse(run('skopeo', ['inspect', '--config', `oci:${layout()}:localhost:5000/team/bb:v1`]));
    assert.deepEqual(config.rootfs.diff_ids, busybox.config.rootfs.diff_ids);
  });

  it('skopeo copies an image out to a dir: and an oci: destination', async () => {
    const dir = join(work, 'dir-copy');
    run('skopeo', ['copy', '--quiet', `oci:${layout()}:docker.io/library/busybox:latest`, `dir:${dir}`]);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    assert.equal(manifest.config.digest, busybox.configDigest);
    for (const layer of busybox.manifest.layers) {
      assert.deepEqual(readFileSync(join(dir, hexOf(layer.digest))), await store.content.read(layer.digest));
    }
    const other = join(work, 'oci-copy');
    run('skopeo', ['copy', '--quiet', `oci:${layout()}:localhost:5000/team/bb:v1`, `oci:${other}:copied`]);
    const config = JSON.parse(run('skopeo', ['inspect', '--config', `oci:${other}:copied`]));
    assert.deepEqual(config.rootfs.diff_ids, busybox.config.rootfs.diff_ids);
  });

  it('skopeo writes into the store, and Skiff finds what it wrote', async () => {
    run('skopeo', ['copy', '--quiet', `oci:${join(work, 'oci-copy')}:copied`, `oci:${layout()}:docker.io/library/fromskopeo:v1`]);
    const image = await store.resolve('fromskopeo:v1');
    assert.equal(image.id, busybox.id);
  });

  it('umoci lists the names in the layout', () => {
    const names = run('umoci', ['ls', '--layout', layout()]).split('\n').filter(Boolean).sort();
    assert.deepEqual(names, ['docker.io/library/busybox:latest', 'docker.io/library/fromskopeo:v1', 'localhost:5000/team/bb:v1']);
  });

  it('umoci stat shows both layers and their history', () => {
    const stat = JSON.parse(run('umoci', ['stat', '--json', '--image', `${layout()}:docker.io/library/busybox:latest`]));
    const layered = stat.history.filter((h: { layer?: unknown }) => h.layer);
    assert.deepEqual(layered.map((h: { created_by: string }) => h.created_by), ['busybox rootfs', 'hello']);
    assert.deepEqual(layered.map((h: { layer: { digest: string } }) => h.layer.digest), busybox.manifest.layers.map((l) => l.digest));
  });

  it('umoci unpacks a runnable bundle: layers applied in order, whiteout honoured, config carried', () => {
    const bundle = join(work, 'bundle');
    run('umoci', ['unpack', '--image', `${layout()}:docker.io/library/busybox:latest`, bundle]);
    const rootfs = join(bundle, 'rootfs');
    assert.deepEqual(readFileSync(join(rootfs, 'bin/busybox')), readFileSync('/bin/busybox'));
    assert.equal(readFileSync(join(rootfs, 'hello.txt'), 'utf8'), 'hello from the top layer\n');
    assert.ok(existsSync(join(rootfs, 'etc/passwd')));
    assert.equal(existsSync(join(rootfs, 'etc/group')), false, 'the whiteout removed etc/group');
    assert.ok(!readdirSync(join(rootfs, 'etc')).some((n) => n.startsWith('.wh.')));
    const spec = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8'));
    assert.deepEqual(spec.process.args, ['sh']);
    assert.ok(spec.process.env.includes('PATH=/usr/sbin:/usr/bin:/sbin:/bin'));
    // And the bundle runs under runc, the reference runtime (without a terminal).
    spec.process.terminal = false;
    spec.process.args = ['sh', '-c', 'cat /hello.txt; test ! -e /etc/group && echo no-group'];
    writeFileSync(join(bundle, 'config.json'), JSON.stringify(spec));
    const out = execFileSync('runc', ['--root', join(work, 'runc-state'), 'run', '--bundle', bundle, `skiff-umoci-${process.pid}`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    assert.equal(out, 'hello from the top layer\nno-group\n');
  });

  it('an untagged image in the index (Docker\'s <none>) disturbs neither tool', async () => {
    const before = await store.resolve('fromskopeo:v1');
    const { digest, size } = await store.content.write(makeLayer(work, 'newer', { 'newer.txt': 'newer\n' }));
    await store.putImage({
      config: { ...before.config, rootfs: { type: 'layers', diff_ids: [...before.config.rootfs.diff_ids, digest] } },
      layers: [...before.manifest.layers, { mediaType: MediaType.ociLayer, digest, size }],
      ref: 'fromskopeo:v1',
    });
    const index = JSON.parse(readFileSync(join(layout(), 'index.json'), 'utf8'));
    const untagged = index.manifests.filter((d: { annotations?: object }) => d.annotations === undefined);
    assert.equal(untagged.length, 1, 'the image that lost its name stays, untagged');
    const names = run('umoci', ['ls', '--layout', layout()]).split('\n').filter(Boolean);
    assert.equal(names.length, 3);
    const info = JSON.parse(run('skopeo', ['inspect', `oci:${layout()}:docker.io/library/fromskopeo:v1`]));
    assert.equal(info.Layers.length, 3);
  });
});
