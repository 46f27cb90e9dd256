// skiffd as a registry client, driven by the real docker CLI against
// skiff-registry with token auth: docker login checked by the daemon
// against the registry (a refresh token kept in place of the password), push with the credentials the CLI forwards, pull
// with its usual progress, `docker run` of a missing image pulling it,
// bare names served by a configured registry, the distribution inspect
// endpoint, and the one-line error when a registry cannot be reached.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { tarDirectory } from '../helpers/dockerd.ts';
import { makeBusyboxRootfs, makeTempDir, removeTempDir } from '../helpers/rootfs.ts';
import { startSkiffd, type Skiffd } from '../helpers/skiffd.ts';
import { engineCommand, run, startRegistry, storageProblems, htpasswdWith, type Registry } from './registry-lab.ts';

describe('skiffd pulls and pushes for the docker CLI (skiff-registry, token auth)', () => {
  let work: string;
  let registry: Registry;
  let skiffd: Skiffd;
  let rootfsTar: string;

  before(async () => {
    work = makeTempDir();
    const htpasswd = htpasswdWith(work, 'alice', 'alice-secret');
    // Anyone may pull; only alice may push.
    registry = await startRegistry({ config: { auth: { htpasswd, anonymousPull: true, access: [{ repository: '**', users: ['alice'], actions: ['*'] }] } } });
    // Bare names (busybox) are served by this registry; a port nothing listens on would be Docker Hub otherwise.
    skiffd = await startSkiffd({ command: engineCommand(), extraArgs: ['--registry-mirror', registry.url] });
    rootfsTar = tarDirectory(makeBusyboxRootfs(join(work, 'rootfs')), join(work, 'rootfs.tar'));
  });
  after(async () => {
    await skiffd?.stop();
    await registry?.stop();
    if (registry) removeTempDir(registry.storage);
    removeTempDir(work);
  });

  const docker = (args: string[], input?: string) => skiffd.docker(args, { allowFail: true, input });
  const importImage = (name: string) => run('sh', ['-c', `docker -H ${skiffd.host} import -c 'CMD ["cat", "/etc/motd"]' - ${name} < ${rootfsTar}`]);

  it('docker login: the daemon checks the password with the registry\'s token server', () => {
    const bad = docker(['login', registry.host, '-u', 'alice', '--password-stdin'], 'wrong\n');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /Error response from daemon: .*unauthorized/i);
    const good = docker(['login', registry.host, '-u', 'alice', '--password-stdin'], 'alice-secret\n');
    assert.equal(good.status, 0, good.stderr);
    assert.match(good.stdout, /Login Succeeded/);
    // The registry gave the daemon a refresh token at login; the CLI keeps it in place of the password.
    const entry = JSON.parse(readFileSync(join(skiffd.dir, 'cli-config', 'config.json'), 'utf8')).auths[registry.host];
    assert.ok(entry.identitytoken);
    assert.equal(Buffer.from(entry.auth, 'base64').toString('utf8'), 'alice:');
  });

  it('docker push sends the stored credentials; the registry holds a complete image', () => {
    importImage(`${registry.host}/team/app:v1`);
    const push = docker(['push', `${registry.host}/team/app:v1`]);
    assert.equal(push.status, 0, push.stderr);
    assert.match(push.stdout, new RegExp(`The push refers to repository \\[${registry.host}/team/app\\]`));
    assert.match(push.stdout, /: Pushed$/m);
    const digest = /v1: digest: (sha256:[0-9a-f]{64}) size: \d+/.exec(push.stdout)?.[1];
    assert.ok(digest, push.stdout);
    const info = JSON.parse(run('skopeo', ['inspect', '--tls-verify=false', '--creds', 'alice:alice-secret', `docker://${registry.host}/team/app:v1`]).stdout);
    assert.equal(info.Digest, digest);
    assert.deepEqual(storageProblems(registry.storage), []);
    const again = docker(['push', `${registry.host}/team/app:v1`]);
    assert.match(again.stdout, /: Layer already exists$/m);
    docker(['logout', registry.host]);
    const denied = docker(['push', `${registry.host}/team/app:v1`]);
    assert.equal(denied.status, 1);
    assert.match(denied.stderr, /denied/);
  });

  it('docker pull prints its usual progress, and the image runs', () => {
    assert.equal(docker(['rmi', `${registry.host}/team/app:v1`]).status, 0);
    const pull = docker(['pull', `${registry.host}/team/app:v1`]);
    assert.equal(pull.status, 0, pull.stderr);
    assert.match(pull.stdout, /^v1: Pulling from team\/app$/m);
    assert.match(pull.stdout, /: Pull complete$/m);
    assert.match(pull.stdout, /^Digest: sha256:[0-9a-f]{64}$/m);
    assert.match(pull.stdout, new RegExp(`^Status: Downloaded newer image for ${registry.host}/team/app:v1$`, 'm'));
    assert.match(docker(['run', '--rm', `${registry.host}/team/app:v1`, 'echo', 'pulled and running']).stdout, /pulled and running/);
    const again = docker(['pull', `${registry.host}/team/app:v1`]);
    assert.match(again.stdout, /: Already exists$/m);
    assert.match(again.stdout, /Status: Image is up to date/);
  });

  it('docker run of a missing image: a 404 in dockerd\'s words, and the CLI pulls', () => {
    docker(['rmi', `${registry.host}/team/app:v1`]);
    const r = docker(['run', '--rm', `${registry.host}/team/app:v1`, 'echo', 'after a pull']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`Unable to find image '${registry.host}/team/app:v1' locally`));
    assert.match(r.stdout, /after a pull/);
  });

  it('bare names come from the configured registry: docker pull busybox', () => {
    docker(['login', registry.host, '-u', 'alice', '--password-stdin'], 'alice-secret\n');
    importImage(`${registry.host}/library/busybox:latest`);
    assert.equal(docker(['push', `${registry.host}/library/busybox:latest`]).status, 0);
    const pull = docker(['pull', 'busybox']);
    assert.equal(pull.status, 0, pull.stderr);
    assert.match(pull.stdout, /^latest: Pulling from library\/busybox$/m);
    assert.match(pull.stdout, /^docker.io\/library\/busybox:latest$/m);
    assert.match(docker(['images', '--format', '{{.Repository}}:{{.Tag}}']).stdout, /^busybox:latest$/m);
    const missing = docker(['pull', 'nosuchimage']);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /Error response from daemon: manifest for .*library\/nosuchimage:latest not found: .*unknown/);
  });

  it('GET /distribution/{name}/json answers the descriptor and platform', async () => {
    const auth = Buffer.from(JSON.stringify({ username: 'alice', password: 'alice-secret', serveraddress: registry.host })).toString('base64url');
    const body = await new Promise<string>((done, fail) => {
      const req = request({ socketPath: skiffd.host.slice('unix://'.length), path: `/v1.50/distribution/${registry.host}/team/app:v1/json`, headers: { 'X-Registry-Auth': auth } }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d)).on('end', () => (res.statusCode === 200 ? done(text) : fail(new Error(`${res.statusCode} ${text}`))));
      });
      req.on('error', fail).end();
    });
    const answer = JSON.parse(body);
    const info = JSON.parse(run('skopeo', ['inspect', '--tls-verify=false', '--creds', 'alice:alice-secret', `docker://${registry.host}/team/app:v1`]).stdout);
    assert.equal(answer.Descriptor.digest, info.Digest);
    assert.deepEqual(answer.Platforms, [{ architecture: 'amd64', os: 'linux' }]);
  });

  it('a registry that does not answer is named in one line', () => {
    const r = docker(['pull', '127.0.0.1:1/team/app:v1']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /Error response from daemon: cannot reach the registry 127\.0\.0\.1:1: .*ECONNREFUSED/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  });
});
