// A build whose base image is not in the store pulls it first, as dockerd's
// legacy builder does: the pull's progress inside the build's output, the
// credentials from the CLI's X-Registry-Config (the registry refuses
// anonymous pulls), with both the docker CLI and skiff. And an API client
// that creates a container from a missing image gets dockerd's 404.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { makeTempDir, removeTempDir } from '../helpers/rootfs.ts';
import { startSkiffd, type Skiffd } from '../helpers/skiffd.ts';
import { engineCommand, makeOciLayout, run, startRegistry, htpasswdWith, type Registry } from './registry-lab.ts';

const SKIFF = join(import.meta.dirname, '../../bin/skiff');

describe('build pulls a missing base image', () => {
  let work: string;
  let registry: Registry;
  let skiffd: Skiffd;
  let base: string;

  before(async () => {
    work = makeTempDir();
    const htpasswd = htpasswdWith(work, 'alice', 'alice-secret');
    registry = await startRegistry({ config: { auth: { htpasswd, access: [{ repository: '**', users: ['alice'], actions: ['*'] }] } } });
    const { layout, ref } = await makeOciLayout(join(work, 'image'), { note: 'the base image' });
    base = `${registry.host}/base/hello:v1`;
    run('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', '--dest-creds', 'alice:alice-secret', `oci:${layout}:${ref}`, `docker://${base}`]);
    skiffd = await startSkiffd({ command: engineCommand() });
    mkdirSync(join(work, 'context'));
    writeFileSync(join(work, 'context', 'Dockerfile'), `FROM ${base}\nRUN cat /hello.txt\n`);
  });
  after(async () => {
    await skiffd?.stop();
    await registry?.stop();
    if (registry) removeTempDir(registry.storage);
    removeTempDir(work);
  });

  const build = (cli: string, tag: string) => spawnSync(cli, ['-H', skiffd.host, 'build', '-t', tag, join(work, 'context')], {
    encoding: 'utf8', env: { ...process.env, DOCKER_BUILDKIT: '0', DOCKER_CONFIG: join(skiffd.dir, 'cli-config') },
  });

  it('without credentials the registry refuses, and the build says so', () => {
    const r = build('docker', 'built:anonymous');
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`pull access denied for ${registry.host}/base/hello`));
  });

  it('docker build: the pull streams in the build output, with the login the CLI sends', () => {
    assert.equal(skiffd.docker(['login', registry.host, '-u', 'alice', '--password-stdin'], { input: 'alice-secret\n' }).status, 0);
    const r = build('docker', 'built:docker');
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.split('\n');
    const step = lines.indexOf(`Step 1/2 : FROM ${base}`);
    assert.ok(step >= 0, r.stdout);
    assert.equal(lines[step + 1], 'v1: Pulling from base/hello');
    assert.match(r.stdout, /: Pull complete$/m);
    assert.match(r.stdout, /^Digest: sha256:[0-9a-f]{64}$/m);
    assert.match(r.stdout, new RegExp(`^Status: Downloaded newer image for ${base}$`, 'm'));
    assert.match(r.stdout, /^hello from the base image$/m);
    assert.match(r.stdout, /^Successfully tagged built:docker$/m);
    assert.ok(lines.indexOf(`Status: Downloaded newer image for ${base}`) < lines.indexOf('Step 2/2 : RUN cat /hello.txt'), r.stdout);
    assert.equal(skiffd.docker(['image', 'inspect', '--format', '{{index .RepoTags 0}}', base]).stdout.trim(), base);
  });

  it('skiff build pulls the same way, sending its stored login', () => {
    skiffd.docker(['rmi', base, 'built:docker']);
    const r = build(SKIFF, 'built:skiff');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^v1: Pulling from base\/hello$/m);
    assert.match(r.stdout, new RegExp(`^Status: Downloaded newer image for ${base}$`, 'm'));
    assert.match(r.stdout, /^Successfully tagged built:skiff$/m);
    const again = build(SKIFF, 'built:again');
    assert.doesNotMatch(again.stdout, /Pulling from/, 'a base image in the store is not pulled again');
  });

  it('dockerode: creating a container from a missing image is a 404 "No such image", as dockerd answers', async () => {
    const api = new Docker({ socketPath: skiffd.host.slice('unix://'.length) });
    await assert.rejects(api.createContainer({ Image: `${registry.host}/base/missing:v1` }), (err: { statusCode: number; json: { message: string } }) => {
      assert.equal(err.statusCode, 404);
      assert.equal(err.json.message, `No such image: ${registry.host}/base/missing:v1`);
      return true;
    });
  });
});
