// skiffd against distribution's registry (Debian's docker-registry),
// through a recording proxy that can cut or corrupt a download: pulls and
// pushes, a cross-repository mount, a large layer pushed in chunks, a
// digest mismatch refused with nothing committed, an interrupted pull
// resumed with Range without fetching its finished layers again; then
// push to and pull from skiff-registry; and what a pull of a bare name
// says when the registry for them cannot be reached.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tarDirectory } from '../helpers/dockerd.ts';
import { makeTempDir, removeTempDir } from '../helpers/rootfs.ts';
import { startSkiffd, type Skiffd } from '../helpers/skiffd.ts';
import { engineCommand, freePort, http, makeOciLayout, run, startDistribution, startRegistry, type Registry } from './registry-lab.ts';
import { startProxy, type Proxy } from './recording-proxy.ts';

describe('skiffd and the distribution registry', async () => {
  let work: string;
  let distribution: { host: string; stop(): Promise<void> };
  let proxy: Proxy;
  let registry: Registry;
  let skiffd: Skiffd;
  let big: { base: string; top: string; config: string };
  let small: { top: string };

  /** The config and layer digests of an image in distribution. */
  const blobsOf = async (repo: string) => {
    const r = await http(`http://${distribution.host}`, 'GET', `/v2/${repo}/manifests/v1`, { headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' } });
    const m = r.json();
    return { config: m.config.digest as string, base: m.layers[0].digest as string, top: m.layers[1].digest as string };
  };

  before(async () => {
    work = makeTempDir();
    distribution = await startDistribution(work);
    proxy = await startProxy(distribution.host);
    registry = await startRegistry();
    skiffd = await startSkiffd({ command: engineCommand(), extraArgs: ['--registry-mirror', `http://127.0.0.1:${await freePort()}`] });
    for (const [repo, options] of [['test/big', { extra: randomBytes(12 << 20), note: 'big' }], ['test/small', { note: 'small' }]] as const) {
      const { layout, ref } = await makeOciLayout(join(work, repo), options);
      run('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `oci:${layout}:${ref}`, `docker://${distribution.host}/${repo}:v1`]);
    }
    big = await blobsOf('test/big');
    small = await blobsOf('test/small');
  });
  after(async () => {
    await skiffd?.stop();
    await proxy?.stop();
    await distribution?.stop();
    await registry?.stop();
    if (registry) removeTempDir(registry.storage);
    removeTempDir(work);
  });

  /** The CLI without blocking this process: the proxy it talks through runs here. */
  const docker = (args: string[]) => new Promise<{ status: number; stdout: string; stderr: string }>((done) => {
    const child = spawn(process.env.SKIFF_DOCKER_CLI ?? 'docker', ['-H', skiffd.host, ...args], { env: { ...process.env, DOCKER_CONFIG: join(skiffd.dir, 'cli-config') } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('close', (status) => done({ status: status ?? -1, stdout, stderr }));
  });
  const blobPath = (digest: string) => join(skiffd.dir, 'data', 'images', 'blobs', 'sha256', digest.slice(7));
  const partials = () => join(skiffd.dir, 'data', 'distribution', 'partials');
  const gets = (digest: string) => proxy.log.filter((r) => r.method === 'GET' && r.path.endsWith(`/blobs/${digest}`));

  it('an interrupted pull keeps its finished layers, and the next pull resumes the cut one with Range', async () => {
    proxy.cut = { digest: big.top, after: 4 << 20 };
    const cut = await docker(['pull', `${proxy.host}/test/big:v1`]);
    assert.equal(cut.status, 1, 'the pull fails once the connection keeps being cut');
    assert.ok(existsSync(blobPath(big.base)) && existsSync(blobPath(big.config)), 'finished blobs are committed');
    assert.ok(!existsSync(blobPath(big.top)));
    const partial = join(partials(), `${big.top.slice(7)}.partial`);
    const have = statSync(partial).size;
    assert.ok(have > 1 << 20 && have <= 4 << 20, `the partial file kept ${have} bytes of what came before the cut`);
    assert.doesNotMatch((await docker(['images'])).stdout, /test\/big/, 'no image is named before all of it is there');

    proxy.cut = undefined;
    proxy.log.length = 0;
    const resumed = await docker(['pull', `${proxy.host}/test/big:v1`]);
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stdout, new RegExp(`${big.base.slice(7, 19)}: Already exists`));
    assert.deepEqual(gets(big.base), [], 'the finished layer is not fetched again');
    assert.deepEqual(gets(big.config), []);
    assert.deepEqual(gets(big.top).map((r) => r.range), [`bytes=${have}-`]);
    assert.deepEqual(readdirSync(partials()), []);
    assert.match((await docker(['run', '--rm', `${proxy.host}/test/big:v1`])).stdout, /hello from big/);
  });

  it('a blob whose bytes do not match its digest is refused, and nothing of it is kept', async () => {
    proxy.corrupt = small.top;
    const bad = await docker(['pull', `${proxy.host}/test/small:v1`]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, new RegExp(`verification failed for digest ${small.top}`));
    assert.ok(!existsSync(blobPath(small.top)), 'the bad bytes got no name');
    assert.ok(!readdirSync(partials()).includes(`${small.top.slice(7)}.partial`), 'and no partial file to resume from');
    assert.doesNotMatch((await docker(['images'])).stdout, /test\/small/);
    proxy.corrupt = undefined;
    assert.equal((await docker(['pull', `${proxy.host}/test/small:v1`])).status, 0);
    assert.match((await docker(['run', '--rm', `${proxy.host}/test/small:v1`])).stdout, /hello from small/);
  });

  it('a push to another repository of the same registry mounts the blobs instead of sending them', async () => {
    await docker(['tag', `${proxy.host}/test/big:v1`, `${proxy.host}/other/big:v1`]);
    proxy.log.length = 0;
    const push = await docker(['push', `${proxy.host}/other/big:v1`]);
    assert.equal(push.status, 0, push.stderr);
    assert.match(push.stdout, /: Mounted from test\/big$/m);
    assert.ok(proxy.log.some((r) => r.method === 'POST' && r.path.includes(`mount=${big.top}`) && r.path.includes('from=test%2Fbig')));
    assert.ok(!proxy.log.some((r) => r.method === 'PATCH'), 'no bytes were uploaded');
    run('skopeo', ['copy', '--quiet', '--src-tls-verify=false', `docker://${distribution.host}/other/big:v1`, `dir:${join(work, 'other-big')}`]);
  });

  it('a new large layer goes up in chunks with Content-Range, and skopeo pulls it back intact', async () => {
    const dir = join(work, 'large');
    mkdirSync(dir);
    writeFileSync(join(dir, 'noise.bin'), randomBytes(20 << 20));
    const tar = tarDirectory(dir, join(work, 'large.tar'));
    run('sh', ['-c', `docker -H ${skiffd.host} import - ${proxy.host}/test/large:v1 < ${tar}`]);
    proxy.log.length = 0;
    const push = await docker(['push', `${proxy.host}/test/large:v1`]);
    assert.equal(push.status, 0, push.stderr);
    const patches = proxy.log.filter((r) => r.method === 'PATCH');
    assert.ok(patches.length >= 2, `chunks: ${JSON.stringify(patches)}`);
    assert.equal(patches[0]!.contentRange, `0-${(16 << 20) - 1}`);
    run('skopeo', ['copy', '--quiet', '--src-tls-verify=false', `docker://${distribution.host}/test/large:v1`, `dir:${join(work, 'large-copy')}`]);
  });

  it('skiffd pushes to and pulls from skiff-registry', async () => {
    await docker(['tag', `${proxy.host}/test/big:v1`, `${registry.host}/team/big:v1`]);
    const push = await docker(['push', `${registry.host}/team/big:v1`]);
    assert.equal(push.status, 0, push.stderr);
    assert.match(push.stdout, /: Pushed$/m);
    for (const name of [`${registry.host}/team/big:v1`, `${proxy.host}/test/big:v1`, `${proxy.host}/other/big:v1`]) await docker(['rmi', name]);
    const pull = await docker(['pull', `${registry.host}/team/big:v1`]);
    assert.equal(pull.status, 0, pull.stderr);
    assert.match((await docker(['run', '--rm', `${registry.host}/team/big:v1`])).stdout, /hello from big/);
  });

  it('a bare name with no reachable registry for docker.io names says so', async () => {
    const r = await docker(['pull', 'busybox']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /cannot reach the registry for docker\.io names .*ECONNREFUSED.*registry-mirrors/);
  });
});
