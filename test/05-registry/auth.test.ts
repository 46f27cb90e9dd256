// Token auth end to end: users from an htpasswd file (one added with
// `skiff-registry adduser`, one with Apache's `htpasswd -B`), per-repository
// rules, `skopeo login` and `docker login` through a real dockerd, forbidden
// scopes, expired and forged tokens, anonymous pull, and TLS.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SignJWT } from 'jose';
import { startDockerd, tarDirectory, type Dockerd } from '../helpers/dockerd.ts';
import { makeBusyboxRootfs, makeTempDir, removeTempDir } from '../helpers/rootfs.ts';
import { errorCode, http, makeOciLayout, run, startRegistry, htpasswdWith, type Registry } from './registry-lab.ts';

/** The claims of a JWT, read without checking it (the registry checks; the test only looks). */
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('token auth', () => {
  let work: string;
  let registry: Registry;
  let tlsRegistry: Registry;
  let anonymous: Registry;
  let dockerd: Dockerd;
  let layout: { layout: string; ref: string };
  let authfile: string;
  let certDir: string;

  before(async () => {
    work = makeTempDir();
    const htpasswd = htpasswdWith(work, 'alice', 'alice-secret');
    run('htpasswd', ['-bB', htpasswd, 'bob', 'bob-secret']);
    const auth = {
      htpasswd,
      access: [
        { repository: '**', users: ['alice'], actions: ['*'] },
        { repository: 'team/*', users: ['bob'], actions: ['pull'] },
        { repository: 'bob/**', users: ['bob'], actions: ['pull', 'push'] },
      ],
    };
    registry = await startRegistry({ config: { auth } });
    // A certificate for 127.0.0.1, and a registry serving it.
    certDir = join(work, 'certs');
    mkdirSync(certDir);
    run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', join(work, 'key.pem'), '-out', join(certDir, 'ca.crt')]);
    tlsRegistry = await startRegistry({ config: { auth, tls: { certificate: join(certDir, 'ca.crt'), key: join(work, 'key.pem') } } });
    anonymous = await startRegistry({ config: { auth: { htpasswd, anonymousPull: true, token: { expiry: '2s' } } } });
    dockerd = await startDockerd(['--insecure-registry', registry.host, '--insecure-registry', tlsRegistry.host]);
    layout = await makeOciLayout(join(work, 'image'));
    authfile = join(work, 'auth.json');
  });
  after(async () => {
    await dockerd?.stop();
    for (const r of [registry, tlsRegistry, anonymous]) {
      await r?.stop();
      if (r) removeTempDir(r.storage);
    }
    removeTempDir(work);
  });

  const skopeo = (args: string[], options: { allowFail?: boolean; input?: string } = {}) =>
    run('skopeo', [...args.slice(0, 1), '--authfile', authfile, ...args.slice(1)], options);

  it('adduser writes a bcrypt entry, readable by root only; htpasswd -B entries are read too', () => {
    const text = readFileSync(join(work, 'htpasswd'), 'utf8');
    assert.match(text, /^alice:\$2[aby]\$10\$/m);
    assert.match(text, /^bob:\$2y\$/m);
    assert.equal(statSync(join(work, 'htpasswd')).mode & 0o777, 0o600);
  });

  it('GET /v2/ without a token is a 401 with the Bearer challenge', async () => {
    const r = await http(registry.url, 'GET', '/v2/');
    assert.equal(r.status, 401);
    assert.equal(errorCode(r), 'UNAUTHORIZED');
    assert.equal(r.headers['www-authenticate'], `Bearer realm="${registry.url}/token",service="skiff-registry"`);
    const blob = await http(registry.url, 'GET', '/v2/team/app/tags/list');
    assert.equal(blob.headers['www-authenticate'], `Bearer realm="${registry.url}/token",service="skiff-registry",scope="repository:team/app:pull"`);
  });

  it('skopeo login, then push and pull with the token it fetches', () => {
    const bad = skopeo(['login', '--tls-verify=false', '-u', 'alice', '--password-stdin', registry.host], { input: 'wrong\n', allowFail: true });
    assert.notEqual(bad.status, 0);
    skopeo(['login', '--tls-verify=false', '-u', 'alice', '--password-stdin', registry.host], { input: 'alice-secret\n' });
    skopeo(['copy', '--quiet', '--dest-tls-verify=false', `oci:${layout.layout}:${layout.ref}`, `docker://${registry.host}/team/app:v1`]);
    const info = JSON.parse(skopeo(['inspect', '--tls-verify=false', `docker://${registry.host}/team/app:v1`]).stdout);
    assert.deepEqual(info.RepoTags, ['v1']);
    skopeo(['logout', registry.host]);
    const anon = skopeo(['inspect', '--tls-verify=false', `docker://${registry.host}/team/app:v1`], { allowFail: true });
    assert.notEqual(anon.status, 0);
    assert.match(anon.stderr, /denied: requested access to the resource is denied/, 'an anonymous token carries no rights here');
  });

  it('the token server grants only what the rules allow, and the registry refuses the rest', async () => {
    const ask = (scope: string, user = 'bob', password = 'bob-secret') =>
      http(registry.url, 'GET', `/token?service=skiff-registry&scope=${encodeURIComponent(scope)}`, { headers: { Authorization: basic(user, password) } });
    const reply = await ask('repository:team/app:pull,push');
    assert.equal(reply.status, 200);
    const { token, expires_in } = reply.json();
    assert.equal(expires_in, 300);
    const claims = claimsOf(token);
    assert.deepEqual(claims.access, [{ type: 'repository', name: 'team/app', actions: ['pull'] }]);
    assert.equal(claims.aud, 'skiff-registry');
    const bearer = { Authorization: `Bearer ${token}` };
    assert.equal((await http(registry.url, 'GET', '/v2/team/app/manifests/v1', { headers: bearer })).status, 200);
    const push = await http(registry.url, 'POST', '/v2/team/app/blobs/uploads/', { headers: bearer });
    assert.equal(push.status, 401);
    assert.equal(errorCode(push), 'DENIED');
    assert.match(push.headers['www-authenticate'] as string, /scope="repository:team\/app:pull,push",error="insufficient_scope"/);
    const other = await http(registry.url, 'GET', '/v2/secret/app/tags/list', { headers: bearer });
    assert.equal(errorCode(other), 'DENIED');
    assert.deepEqual(claimsOf((await ask('repository:secret/app:pull')).json().token).access, []);
    assert.equal((await ask('repository:team/app:pull', 'bob', 'nope')).status, 401);
    assert.equal((await ask('repository:team/app:pull', 'mallory', 'x')).status, 401);
    const catalog = await http(registry.url, 'GET', '/v2/_catalog', { headers: bearer });
    assert.equal(errorCode(catalog), 'DENIED');
  });

  it('a mount takes a blob only from a repository the token may pull from', async () => {
    const token = async (user: string, password: string, ...scopes: string[]) =>
      (await http(registry.url, `GET`, `/token?${scopes.map((s) => `scope=${encodeURIComponent(s)}`).join('&')}`, {
        headers: { Authorization: basic(user, password) },
      })).json().token as string;
    const secret = Buffer.from('a secret layer');
    const digest = `sha256:${createHash('sha256').update(secret).digest('hex')}`;
    const alice = await token('alice', 'alice-secret', 'repository:secret/app:pull,push');
    const pushed = await http(registry.url, 'POST', `/v2/secret/app/blobs/uploads/?digest=${digest}`, { body: secret, headers: { Authorization: `Bearer ${alice}` } });
    assert.equal(pushed.status, 201);
    const bob = await token('bob', 'bob-secret', 'repository:bob/box:pull,push', 'repository:secret/app:pull');
    assert.deepEqual(claimsOf(bob).access, [{ type: 'repository', name: 'bob/box', actions: ['pull', 'push'] }]);
    const mount = await http(registry.url, 'POST', `/v2/bob/box/blobs/uploads/?mount=${digest}&from=secret/app`, { headers: { Authorization: `Bearer ${bob}` } });
    assert.equal(mount.status, 202, 'not mounted: an upload session instead');
    const automatic = await http(registry.url, 'POST', `/v2/bob/box/blobs/uploads/?mount=${digest}`, { headers: { Authorization: `Bearer ${bob}` } });
    assert.equal(automatic.status, 202, 'no automatic mount from a repository bob cannot read');
    assert.equal((await http(registry.url, 'HEAD', `/v2/bob/box/blobs/${digest}`, { headers: { Authorization: `Bearer ${bob}` } })).status, 404);
    const allowed = await token('alice', 'alice-secret', 'repository:alice/box:pull,push', 'repository:secret/app:pull');
    const ok = await http(registry.url, 'POST', `/v2/alice/box/blobs/uploads/?mount=${digest}&from=secret/app`, { headers: { Authorization: `Bearer ${allowed}` } });
    assert.equal(ok.status, 201);
  });

  it('forged tokens and tokens for another service are refused', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const forged = await new SignJWT({ access: [{ type: 'repository', name: 'team/app', actions: ['pull', 'push'] }] })
      .setProtectedHeader({ alg: 'ES256' }).setIssuer('skiff-registry').setSubject('alice').setAudience('skiff-registry')
      .setExpirationTime('5m').sign(privateKey);
    const r = await http(registry.url, 'GET', '/v2/team/app/tags/list', { headers: { Authorization: `Bearer ${forged}` } });
    assert.equal(r.status, 401);
    assert.equal(errorCode(r), 'UNAUTHORIZED');
    const wrongService = await http(registry.url, 'GET', '/token?service=elsewhere', { headers: { Authorization: basic('alice', 'alice-secret') } });
    assert.equal(wrongService.status, 400);
    const tampered = (await http(registry.url, 'GET', '/token?scope=repository:team/app:pull', { headers: { Authorization: basic('bob', 'bob-secret') } })).json().token as string;
    const [h, , s] = tampered.split('.');
    const widened = Buffer.from(JSON.stringify({ ...claimsOf(tampered), access: [{ type: 'repository', name: 'team/app', actions: ['push'] }] })).toString('base64url');
    assert.equal((await http(registry.url, 'POST', '/v2/team/app/blobs/uploads/', { headers: { Authorization: `Bearer ${h}.${widened}.${s}` } })).status, 401);
  });

  it('an expired token is refused with a fresh challenge', async () => {
    const reply = await http(anonymous.url, 'GET', '/token?scope=repository:any/repo:pull', { headers: { Authorization: basic('alice', 'alice-secret') } });
    const token = reply.json().token as string;
    assert.equal(reply.json().expires_in, 2);
    const headers = { Authorization: `Bearer ${token}` };
    assert.equal((await http(anonymous.url, 'GET', '/v2/', { headers })).status, 200);
    await sleep(3000);
    const late = await http(anonymous.url, 'GET', '/v2/', { headers });
    assert.equal(late.status, 401);
    assert.equal(errorCode(late), 'UNAUTHORIZED');
    assert.match(late.headers['www-authenticate'] as string, /^Bearer realm=/);
  });

  it('anonymous pull: a client without credentials gets a pull-only token', async () => {
    const push = await http(anonymous.url, 'GET', '/token?scope=repository:pub/img:pull,push');
    assert.equal(push.status, 200);
    assert.equal(claimsOf(push.json().token).sub, 'anonymous');
    assert.deepEqual(claimsOf(push.json().token).access, [{ type: 'repository', name: 'pub/img', actions: ['pull'] }]);
    // skopeo, with no credentials at all, pushes as alice and then reads anonymously.
    run('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', '--dest-creds', 'alice:alice-secret', `oci:${layout.layout}:${layout.ref}`, `docker://${anonymous.host}/pub/img:v1`]);
    const tags = run('skopeo', ['list-tags', '--tls-verify=false', '--no-creds', `docker://${anonymous.host}/pub/img`]).stdout;
    assert.deepEqual(JSON.parse(tags).Tags, ['v1']);
    const denied = run('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', '--dest-no-creds', `oci:${layout.layout}:${layout.ref}`, `docker://${anonymous.host}/pub/img:v2`], { allowFail: true });
    assert.notEqual(denied.status, 0);
    assert.match(denied.stderr, /denied/);
  });

  it('docker login through a real dockerd, push, and a user with pull only is denied the push', () => {
    const rootfs = makeBusyboxRootfs(join(work, 'rootfs'));
    const image = `${registry.host}/team/hello:v1`;
    dockerd.docker(['import', tarDirectory(rootfs, join(work, 'rootfs.tar')), image]);
    const noLogin = dockerd.docker(['push', image], { allowFail: true });
    assert.notEqual(noLogin.status, 0);
    assert.match(noLogin.stderr, /denied: requested access to the resource is denied/);
    const wrong = dockerd.docker(['login', '-u', 'alice', '--password-stdin', registry.host], { input: 'nope\n', allowFail: true });
    assert.notEqual(wrong.status, 0);
    assert.match(wrong.stderr, /unauthorized|authentication failed/);
    assert.match(dockerd.docker(['login', '-u', 'alice', '--password-stdin', registry.host], { input: 'alice-secret\n' }).stdout, /Login Succeeded/);
    dockerd.docker(['push', image]);
    dockerd.docker(['logout', registry.host]);
    dockerd.docker(['login', '-u', 'bob', '--password-stdin', registry.host], { input: 'bob-secret\n' });
    dockerd.docker(['rmi', image]);
    dockerd.docker(['pull', image]);
    dockerd.docker(['tag', image, `${registry.host}/team/hello:v2`]);
    const denied = dockerd.docker(['push', `${registry.host}/team/hello:v2`], { allowFail: true });
    assert.notEqual(denied.status, 0);
    assert.match(denied.stderr, /denied: requested access to the resource is denied/);
    dockerd.docker(['logout', registry.host]);
  });

  it('refresh tokens: issued only on offline_token=true to a user, traded by a refresh_token POST, never a bearer token', async () => {
    const basic = { Authorization: `Basic ${Buffer.from('bob:bob-secret').toString('base64')}` };
    const plain = await http(registry.url, 'GET', '/token?service=skiff-registry&scope=repository:team/hello:pull', { headers: basic });
    assert.equal(plain.json().refresh_token, undefined, 'none unless asked');
    const offline = await http(registry.url, 'GET', '/token?service=skiff-registry&offline_token=true', { headers: basic });
    const refresh = offline.json().refresh_token as string;
    assert.ok(refresh, offline.body.toString());
    const anon = await http(anonymous.url, 'GET', '/token?service=skiff-registry&offline_token=true');
    assert.equal(anon.status, 200);
    assert.equal(anon.json().refresh_token, undefined, 'never for anonymous');

    const form = (fields: Record<string, string>) => ({
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(),
    });
    const traded = await http(registry.url, 'POST', '/token', form({
      grant_type: 'refresh_token', refresh_token: refresh, service: 'skiff-registry', client_id: 'test', scope: 'repository:team/hello:pull,push',
    }));
    assert.equal(traded.status, 200, traded.body.toString());
    const claims = claimsOf(traded.json().access_token);
    assert.equal(claims.sub, 'bob');
    assert.deepEqual(claims.access, [{ type: 'repository', name: 'team/hello', actions: ['pull'] }], 'the rules still apply');

    const asBearer = await http(registry.url, 'GET', '/v2/team/hello/tags/list', { headers: { Authorization: `Bearer ${refresh}` } });
    assert.equal(asBearer.status, 401, 'a refresh token is no access token');
    const accessAsRefresh = await http(registry.url, 'POST', '/token', form({ grant_type: 'refresh_token', refresh_token: traded.json().access_token }));
    assert.equal(accessAsRefresh.status, 401, 'nor an access token a refresh token');
    assert.equal(errorCode(accessAsRefresh), 'UNAUTHORIZED');
  });

  it('docker login keeps the refresh token, not the password, and dockerd pulls with it', () => {
    const image = `${registry.host}/team/hello:v1`;
    dockerd.docker(['login', '-u', 'alice', '--password-stdin', registry.host], { input: 'alice-secret\n' });
    const config = JSON.parse(readFileSync(join(dockerd.dir, 'cli-config', 'config.json'), 'utf8'));
    const entry = config.auths[registry.host];
    assert.ok(entry.identitytoken, JSON.stringify(config));
    assert.equal(Buffer.from(entry.auth, 'base64').toString('utf8'), 'alice:', 'the password is not stored');
    dockerd.docker(['rmi', image], { allowFail: true });
    dockerd.docker(['pull', image]);
    dockerd.docker(['logout', registry.host]);
  });

  it('TLS: the registry speaks HTTPS only, skopeo verifies its certificate, docker logs in over it', async () => {
    const ca = readFileSync(join(certDir, 'ca.crt'));
    const r = await http(tlsRegistry.url, 'GET', '/v2/', { ca });
    assert.equal(r.status, 401);
    assert.equal(r.headers['www-authenticate'], `Bearer realm="https://${tlsRegistry.host}/token",service="skiff-registry"`);
    await assert.rejects(http(tlsRegistry.url.replace('https:', 'http:'), 'GET', '/v2/'));
    run('skopeo', ['copy', '--quiet', '--dest-cert-dir', certDir, '--dest-creds', 'alice:alice-secret', `oci:${layout.layout}:${layout.ref}`, `docker://${tlsRegistry.host}/team/tls:v1`]);
    const unverified = run('skopeo', ['inspect', '--creds', 'alice:alice-secret', `docker://${tlsRegistry.host}/team/tls:v1`], { allowFail: true });
    assert.notEqual(unverified.status, 0, 'without the CA, the certificate is not trusted');
    assert.match(dockerd.docker(['login', '-u', 'alice', '--password-stdin', tlsRegistry.host], { input: 'alice-secret\n' }).stdout, /Login Succeeded/);
    dockerd.docker(['pull', `${tlsRegistry.host}/team/tls:v1`]);
  });

  it('an htpasswd file with a non-bcrypt entry is refused at start, naming the line', async () => {
    const weak = join(work, 'weak');
    writeFileSync(weak, 'carol:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n');
    await assert.rejects(startRegistry({ config: { auth: { htpasswd: weak } } }), /weak:1: not a bcrypt entry/);
  });
});
