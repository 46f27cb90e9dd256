// The real docker daemon pushes to skiff-registry and pulls from it with the
// real docker CLI: Docker schema2 manifests, chunked-encoding PATCHes, a
// cross-repository mount ("Mounted from"), and a container run from what
// came back.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startDockerd, tarDirectory, type Dockerd } from '../helpers/dockerd.ts';
import { makeBusyboxRootfs, makeTempDir, removeTempDir } from '../helpers/rootfs.ts';
import { http, startRegistry, storageProblems, type Registry } from './registry-lab.ts';

describe('docker push and pull against skiff-registry', () => {
  let registry: Registry;
  let dockerd: Dockerd;
  let work: string;
  let image: string;
  before(async () => {
    work = makeTempDir();
    registry = await startRegistry();
    dockerd = await startDockerd(['--insecure-registry', registry.host]);
    const rootfs = makeBusyboxRootfs(join(work, 'rootfs'));
    const tar = tarDirectory(rootfs, join(work, 'rootfs.tar'));
    image = `${registry.host}/team/hello:v1`;
    dockerd.docker(['import', '--change', 'CMD ["echo", "hello from the registry"]', tar, image]);
  });
  after(async () => {
    await dockerd?.stop();
    await registry?.stop();
    removeTempDir(registry.storage);
    removeTempDir(work);
  });

  it('docker push stores a Docker schema2 manifest under the tag', async () => {
    const out = dockerd.docker(['push', image]).stdout;
    const digest = /digest: (sha256:[a-f0-9]{64})/.exec(out)?.[1];
    assert.ok(digest, out);
    const reply = await http(registry.url, 'GET', '/v2/team/hello/manifests/v1');
    assert.equal(reply.headers['content-type'], 'application/vnd.docker.distribution.manifest.v2+json');
    assert.equal(reply.headers['docker-content-digest'], digest);
    assert.deepEqual(storageProblems(registry.storage), []);
  });

  it('pushing the image under another repository mounts its layer instead of uploading it', () => {
    const other = `${registry.host}/other/hello:v1`;
    dockerd.docker(['tag', image, other]);
    const out = dockerd.docker(['push', other]).stdout;
    assert.match(out, /Mounted from team\/hello/);
  });

  it('docker pull into an empty daemon brings back the same image, and it runs', () => {
    const before = dockerd.docker(['image', 'inspect', '--format', '{{.Id}}', image]).stdout.trim();
    dockerd.docker(['rmi', image, `${registry.host}/other/hello:v1`]);
    assert.notEqual(dockerd.docker(['image', 'inspect', image], { allowFail: true }).status, 0);
    const out = dockerd.docker(['pull', image]).stdout;
    assert.match(out, /Downloaded newer image|Status: Downloaded/);
    assert.equal(dockerd.docker(['image', 'inspect', '--format', '{{.Id}}', image]).stdout.trim(), before);
    const run = dockerd.docker(['run', '--rm', '--network', 'none', image]).stdout;
    assert.equal(run.trim(), 'hello from the registry');
  });

  it('docker pull of a missing tag says manifest unknown', () => {
    const r = dockerd.docker(['pull', `${registry.host}/team/hello:nope`], { allowFail: true });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /manifest unknown/);
  });
});
