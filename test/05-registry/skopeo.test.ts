// skopeo, a client nobody here wrote, pushes to skiff-registry and pulls
// from it: an OCI layout made by chapter 02's store and a docker-archive
// both go in, and come back out byte for byte (same manifest digest).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { makeTempDir, removeTempDir } from '../helpers/rootfs.ts';
import { http, makeOciLayout, run, startRegistry, storageProblems, type Registry } from './registry-lab.ts';

const skopeo = (...args: string[]) => run('skopeo', args).stdout;

describe('skopeo against skiff-registry', () => {
  let registry: Registry;
  let work: string;
  let layout: string;
  let ref: string;
  before(async () => {
    work = makeTempDir();
    registry = await startRegistry();
    ({ layout, ref } = await makeOciLayout(work));
  });
  after(async () => {
    await registry.stop();
    removeTempDir(registry.storage);
    removeTempDir(work);
  });

  const remote = (name: string) => `docker://${registry.host}/${name}`;

  it('copies an OCI layout in, and the manifest keeps its digest', () => {
    skopeo('copy', '--quiet', '--dest-tls-verify=false', `oci:${layout}:${ref}`, remote('team/busybox:v1'));
    const local = JSON.parse(skopeo('inspect', '--raw', `oci:${layout}:${ref}`));
    const pushed = JSON.parse(skopeo('inspect', '--tls-verify=false', '--raw', remote('team/busybox:v1')));
    assert.deepEqual(pushed, local);
    const info = JSON.parse(skopeo('inspect', '--tls-verify=false', remote('team/busybox:v1')));
    assert.equal(info.Architecture, 'amd64');
    assert.deepEqual(info.RepoTags, ['v1']);
    assert.equal(info.Layers.length, 2);
    assert.deepEqual(storageProblems(registry.storage), []);
  });

  it('pushes again without uploading: every blob is already there', async () => {
    const before = (await http(registry.url, 'GET', '/v2/team/busybox/manifests/v1')).headers['docker-content-digest'];
    skopeo('copy', '--quiet', '--dest-tls-verify=false', `oci:${layout}:${ref}`, remote('team/busybox:v2'));
    const tags = JSON.parse(skopeo('list-tags', '--tls-verify=false', remote('team/busybox')));
    assert.deepEqual(tags.Tags, ['v1', 'v2']);
    assert.equal((await http(registry.url, 'GET', '/v2/team/busybox/manifests/v2')).headers['docker-content-digest'], before);
  });

  it('copies across repositories by mounting the blobs', () => {
    const out = run('skopeo', ['copy', '--tls-verify=false', remote('team/busybox:v1'), remote('other/copy:v1')]).stdout;
    assert.match(out, /Copying blob .* skipped: already exists|Copying blob/);
    const a = skopeo('inspect', '--tls-verify=false', '--raw', remote('team/busybox:v1'));
    const b = skopeo('inspect', '--tls-verify=false', '--raw', remote('other/copy:v1'));
    assert.equal(a, b);
  });

  it('pulls into an OCI layout and a directory, and the layers are the bytes pushed', () => {
    const dir = join(work, 'pulled-dir');
    skopeo('copy', '--quiet', '--src-tls-verify=false', remote('team/busybox:v1'), `dir:${dir}`);
    const manifest = JSON.parse(run('cat', [join(dir, 'manifest.json')]).stdout);
    for (const layer of manifest.layers) {
      const sum = run('sha256sum', [join(dir, layer.digest.slice(7))]).stdout.split(' ')[0];
      assert.equal(`sha256:${sum}`, layer.digest);
    }
    const out = join(work, 'pulled-oci');
    skopeo('copy', '--quiet', '--src-tls-verify=false', remote('team/busybox:v1'), `oci:${out}:copy`);
    assert.equal(JSON.parse(skopeo('inspect', '--config', `oci:${out}:copy`)).config.Cmd.join(' '), 'cat /hello.txt');
  });

  it('takes a docker-archive (Docker schema2 manifests) and serves it with Docker media types', async () => {
    const archive = join(work, 'image.tar');
    skopeo('copy', '--quiet', `oci:${layout}:${ref}`, `docker-archive:${archive}:busybox:archived`);
    skopeo('copy', '--quiet', '--dest-tls-verify=false', `docker-archive:${archive}`, remote('archived/busybox:latest'));
    const reply = await http(registry.url, 'GET', '/v2/archived/busybox/manifests/latest');
    assert.equal(reply.headers['content-type'], 'application/vnd.docker.distribution.manifest.v2+json');
    const back = join(work, 'back.tar');
    skopeo('copy', '--quiet', '--src-tls-verify=false', remote('archived/busybox:latest'), `docker-archive:${back}:busybox:back`);
    const loaded = run('tar', ['-tf', back]).stdout;
    assert.match(loaded, /manifest\.json/);
  });

  it('deletes a manifest by tag: every tag of it goes, other repositories keep theirs', async () => {
    skopeo('delete', '--tls-verify=false', remote('team/busybox:v2'));
    const gone = run('skopeo', ['inspect', '--tls-verify=false', remote('team/busybox:v1')], { allowFail: true });
    assert.notEqual(gone.status, 0);
    assert.match(gone.stderr, /manifest unknown/);
    const tags = await http(registry.url, 'GET', '/v2/team/busybox/tags/list');
    assert.deepEqual(tags.json().tags, []);
    skopeo('inspect', '--tls-verify=false', remote('other/copy:v1'));
    assert.deepEqual(storageProblems(registry.storage), []);
  });
});
