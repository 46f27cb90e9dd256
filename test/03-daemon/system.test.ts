// skiffd's front door: the socket, API versions, /_ping, /version, /info,
// /events, errors, and the refusals (a second daemon, plain TCP), driven by
// the real docker CLI and by raw HTTP where the CLI hides the wire.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { skiffdCommand, startSkiffd, type Skiffd } from '../helpers/skiffd.ts';
import { call as callDaemon } from './fixtures.ts';

let d: Skiffd;
let socketPath: string;

before(async () => {
  d = await startSkiffd();
  socketPath = d.host.slice('unix://'.length);
});
after(() => d?.stop());

/** One HTTP request on this file's daemon (fixtures.ts). */
const call = (method: string, path: string, body?: string, headers: Record<string, string> = {}) => callDaemon(d, method, path, body, headers);

test('docker version shows the server speaking API 1.50, minimum 1.24', () => {
  const out = d.docker(['version']).stdout;
  assert.match(out, /Server: Skiff\n Engine:\n {2}Version: +28\.2\.2-skiff\n {2}API version: +1\.50 \(minimum version 1\.24\)/);
  assert.doesNotMatch(out, /downgraded/);
  assert.equal(d.docker(['version', '--format', '{{.Server.Os}}/{{.Server.Arch}}']).stdout.trim(), 'linux/amd64');
});

test('docker info reports the daemon, its storage and data root', () => {
  const info = JSON.parse(d.docker(['info', '--format', '{{json .}}']).stdout) as Record<string, any>;
  assert.equal(info.ServerVersion, '28.2.2-skiff');
  assert.equal(info.DockerRootDir, join(d.dir, 'data'));
  assert.equal(info.OSType, 'linux');
  assert.equal(info.LoggingDriver, 'json-file');
  assert.equal(info.Containers, 0);
  assert.match(d.docker(['info']).stdout, /Server Version: 28\.2\.2-skiff/);
});

test('the socket is 0660 and /_ping answers GET and HEAD with the negotiation headers', async () => {
  assert.equal(statSync(socketPath).mode & 0o777, 0o660);
  for (const method of ['GET', 'HEAD']) {
    const r = await call(method, '/_ping');
    assert.equal(r.status, 200);
    assert.equal(r.headers['api-version'], '1.50');
    assert.equal(r.headers['ostype'], 'linux');
    assert.equal(r.headers['docker-experimental'], 'false');
    assert.equal(r.headers['builder-version'], '1');
    assert.equal(r.headers['cache-control'], 'no-cache, no-store, must-revalidate');
    assert.equal(r.headers['pragma'], 'no-cache');
    assert.equal(r.body, method === 'GET' ? 'OK' : '');
  }
});

test('paths with and without a version prefix; versions outside 1.24–1.50 are refused in moby\'s words', async () => {
  for (const path of ['/version', '/v1.24/version', '/v1.50/version', '/v1.41/info']) assert.equal((await call('GET', path)).status, 200, path);
  const old = await call('GET', '/v1.12/version');
  assert.equal(old.status, 400);
  assert.equal(old.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(old.body), {
    message: 'client version 1.12 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version',
  });
  const young = await call('GET', '/v1.51/version');
  assert.equal(young.status, 400);
  assert.equal(JSON.parse(young.body).message, 'client version 1.51 is too new. Maximum supported API version is 1.50');
});

test('an unknown route is a JSON 404, and the daemon keeps serving', async () => {
  const r = await call('GET', '/v1.50/nothing/here');
  assert.equal(r.status, 404);
  assert.equal(r.headers['content-type'], 'application/json');
  assert.equal(JSON.parse(r.body).message, 'page not found');
  assert.equal((await call('GET', '/_ping')).status, 200);
});

test('docker events: until in the past ends at once; a bad filter is a 400', () => {
  const now = Math.floor(Date.now() / 1000);
  const r = d.docker(['events', '--since', String(now - 60), '--until', String(now)]);
  assert.equal(r.status, 0);
  const bad = d.docker(['events', '--filter', 'colour=red', '--until', String(now)], { allowFail: true });
  assert.equal(bad.status, 1);
  assert.equal(bad.stderr.trim(), "Error response from daemon: invalid filter 'colour'");
});

test('events stream with headers flushed at once, until the client leaves', async () => {
  await new Promise<void>((resolve, reject) => {
    const req = request({ socketPath, path: '/v1.50/events' }, (res) => {
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'application/json');
      req.destroy();
      resolve();
    });
    req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
    req.end();
  });
  assert.equal((await call('GET', '/_ping')).status, 200);
});

test('a second skiffd on the same data root refuses in one line', () => {
  const [cmd, ...args] = skiffdCommand();
  const r = spawnSync(cmd!, [...args, '--host', `unix://${d.dir}/other.sock`, '--data-root', join(d.dir, 'data'), '--exec-root', join(d.dir, 'exec2'), '--bridge', 'none'], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^skiffd: data root .*\/data is in use by another skiffd \(pid \d+\); stop it first\n$/);
});

test('plain TCP is refused; TCP with --tlsverify serves only clients with a certificate from the CA', async () => {
  const [cmd, ...args] = skiffdCommand();
  // No default bridge: this daemon opens its data root before it refuses to listen, and a bridge would outlive it.
  const plain = spawnSync(cmd!, [...args, '--host', 'tcp://127.0.0.1:23750', '--data-root', join(d.dir, 'tcp-data'), '--exec-root', join(d.dir, 'tcp-exec'), '--bridge', 'none'], { encoding: 'utf8' });
  assert.equal(plain.status, 1);
  assert.equal(plain.stderr, 'skiffd: refusing to listen on tcp://127.0.0.1:23750 without TLS: give --tlsverify --tlscacert --tlscert --tlskey\n');

  const pki = join(d.dir, 'pki');
  const sh = (script: string) => assert.equal(spawnSync('sh', ['-c', script], { cwd: d.dir, encoding: 'utf8' }).status, 0, script);
  sh(`mkdir -p ${pki} && cd ${pki} &&
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out ca.pem -days 1 -subj /CN=skiff-ca 2>/dev/null &&
    openssl req -newkey rsa:2048 -nodes -keyout key.pem -out server.csr -subj /CN=localhost 2>/dev/null &&
    printf 'subjectAltName=IP:127.0.0.1\\nextendedKeyUsage=serverAuth\\n' > server.ext &&
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out cert.pem -days 1 -extfile server.ext 2>/dev/null &&
    openssl req -newkey rsa:2048 -nodes -keyout client-key.pem -out client.csr -subj /CN=client 2>/dev/null &&
    printf 'extendedKeyUsage=clientAuth\\n' > client.ext &&
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out client-cert.pem -days 1 -extfile client.ext 2>/dev/null &&
    mkdir client && cp ca.pem client/ca.pem && cp client-cert.pem client/cert.pem && cp client-key.pem client/key.pem`);
  const tls = await startSkiffd({
    extraArgs: ['--host', 'tcp://127.0.0.1:23761', '--tlsverify', '--tlscacert', join(pki, 'ca.pem'), '--tlscert', join(pki, 'cert.pem'), '--tlskey', join(pki, 'key.pem')],
  });
  try {
    const withCert = spawnSync('docker', ['--tlsverify', '-H', 'tcp://127.0.0.1:23761', 'version', '--format', '{{.Server.APIVersion}}'], {
      encoding: 'utf8', env: { ...process.env, DOCKER_CERT_PATH: join(pki, 'client'), DOCKER_CONFIG: join(pki, 'cfg') },
    });
    assert.equal(withCert.stdout.trim(), '1.50', withCert.stderr);
    const noCert = spawnSync('curl', ['-s', '--cacert', join(pki, 'ca.pem'), 'https://127.0.0.1:23761/_ping'], { encoding: 'utf8' });
    assert.notEqual(noCert.status, 0, 'a client without a certificate must be turned away');
  } finally {
    await tls.stop();
  }
});
