// The executable as a user meets it: one clear line and exit code 1 for a
// bad config, flag or address; a config in JSON as well as YAML; and the
// request limit answered with the spec's 429 TOOMANYREQUESTS.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, removeTempDir } from '../helpers/rootfs.ts';
import { errorCode, http, registryCommand, run, startRegistry, type Registry } from './registry-lab.ts';

const registry = (...args: string[]) => {
  const [cmd, ...pre] = registryCommand();
  return run(cmd!, [...pre, ...args], { allowFail: true });
};

describe('skiff-registry on the command line', () => {
  let work: string;
  before(() => (work = makeTempDir()));
  after(() => removeTempDir(work));

  const config = (name: string, text: string) => {
    const path = join(work, name);
    writeFileSync(path, text);
    return path;
  };

  it('refuses an unknown config key, naming it, rather than ignoring it', () => {
    const r = registry('serve', '--storage', join(work, 's'), '--config', config('typo.yml', 'auth:\n  htpasswd: x\n  acess: []\n'));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^skiff-registry: config .*typo\.yml: auth: Unrecognized key: "acess"\n$/);
  });

  it('refuses a config that is not YAML, and a bad duration, in one line each', () => {
    const bad = registry('serve', '--config', config('bad.yml', 'listen: [unclosed\n'));
    assert.equal(bad.status, 1);
    assert.equal(bad.stderr.split('\n').length, 2);
    const duration = registry('serve', '--config', config('dur.json', '{"uploads": {"maxAge": "forever"}}'));
    assert.equal(duration.status, 1);
    assert.match(duration.stderr, /uploads\.maxAge: a duration such as 30s, 10m, 24h/);
  });

  it('refuses a bad listen address, and one already in use', async () => {
    const bad = registry('serve', '--storage', join(work, 's'), '--listen', 'nowhere');
    assert.equal(bad.stderr, 'skiff-registry: invalid listen address "nowhere": expected HOST:PORT\n');
    const first = await startRegistry();
    try {
      const taken = registry('serve', '--storage', join(work, 's'), '--listen', first.host);
      assert.equal(taken.status, 1);
      assert.match(taken.stderr, /^skiff-registry: listen EADDRINUSE: address already in use/);
    } finally {
      await first.stop();
      removeTempDir(first.storage);
    }
  });

  it('adduser without a password or a file says so', () => {
    assert.match(registry('adduser', 'alice').stderr, /^skiff-registry: no htpasswd file: give --htpasswd/);
    const empty = run(registryCommand()[0]!, [...registryCommand().slice(1), 'adduser', 'alice', '--htpasswd', join(work, 'pw')], { allowFail: true, input: '\n' });
    assert.equal(empty.stderr, 'skiff-registry: the password is empty\n');
  });
});

describe('a registry with a request limit', () => {
  let registry: Registry;
  before(async () => (registry = await startRegistry({ config: JSON.parse('{"limits": {"concurrentRequests": 1}}') })));
  after(async () => {
    await registry.stop();
    removeTempDir(registry.storage);
  });

  it('answers 429 TOOMANYREQUESTS with Retry-After while it is busy, and serves again after', async () => {
    const start = await http(registry.url, 'POST', '/v2/slow/upload/blobs/uploads/');
    const url = new URL(registry.url);
    // A chunk that keeps coming: the one request the registry may serve.
    const slow = request({ host: url.hostname, port: url.port, method: 'PATCH', path: start.headers.location, headers: { 'Transfer-Encoding': 'chunked' } });
    slow.write('first bytes');
    await new Promise((r) => setTimeout(r, 300));
    const busy = await http(registry.url, 'GET', '/v2/');
    assert.equal(busy.status, 429);
    assert.equal(errorCode(busy), 'TOOMANYREQUESTS');
    assert.equal(busy.headers['retry-after'], '1');
    assert.equal((await http(registry.url, 'GET', '/healthz')).status, 200, 'health checks are never turned away');
    const done = new Promise<number>((resolve) => slow.once('response', (res) => (res.resume(), resolve(res.statusCode!))));
    slow.end();
    assert.equal(await done, 202);
    assert.equal((await http(registry.url, 'GET', '/v2/')).status, 200);
  });
});
