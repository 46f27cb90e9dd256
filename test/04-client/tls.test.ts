// tcp:// with TLS, configured the docker CLI's way: DOCKER_HOST,
// DOCKER_TLS_VERIFY and DOCKER_CERT_PATH with ca.pem, cert.pem and key.pem.
// The daemon is put behind a TLS endpoint on loopback that demands a client
// certificate signed by the test's own CA (openssl makes them), and passes
// the bytes on to the daemon's unix socket — requests and hijacked streams alike.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { EngineClient, resolveEndpoint } from '../../chapters/04-client/sdk/index.ts';
import { makeTempDir, removeTempDir } from '../helpers/rootfs.ts';
import { startTarget, type Target } from './target.ts';

let target: Target;
let certs: string;
let server: Server;
let port: number;

before(async () => {
  target = await startTarget();
  certs = makeTempDir('skiff-tls-');
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: certs, stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=skiff test CA');
  for (const [name, ext] of [['server', 'subjectAltName=IP:127.0.0.1'], ['client', 'extendedKeyUsage=clientAuth']] as const) {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    writeFileSync(join(certs, `${name}.ext`), `${ext}\n`);
    ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-out', `${name}-cert.pem`, '-days', '1', '-extfile', `${name}.ext`);
  }
  // The names the docker CLI looks for in DOCKER_CERT_PATH.
  execFileSync('cp', [join(certs, 'client-cert.pem'), join(certs, 'cert.pem')]);
  execFileSync('cp', [join(certs, 'client-key.pem'), join(certs, 'key.pem')]);
  const socketPath = target.host.replace('unix://', '');
  server = createServer({
    key: readFileSync(join(certs, 'server-key.pem')), cert: readFileSync(join(certs, 'server-cert.pem')),
    ca: readFileSync(join(certs, 'ca.pem')), requestCert: true, rejectUnauthorized: true,
  }, (tlsSocket) => {
    const daemon = connect(socketPath);
    tlsSocket.pipe(daemon).pipe(tlsSocket);
    const close = () => (tlsSocket.destroy(), daemon.destroy());
    tlsSocket.on('error', close);
    daemon.on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(async () => {
  server?.close();
  await target?.stop();
  if (certs) removeTempDir(certs);
});

describe('tcp:// with TLS', () => {
  it('reads DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH like the docker CLI', () => {
    const env = { DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs };
    const endpoint = resolveEndpoint({ env });
    assert.equal(endpoint.kind, 'tcp');
    assert.ok(endpoint.kind === 'tcp' && endpoint.tls?.verify && endpoint.tls.ca && endpoint.tls.cert && endpoint.tls.key);
    assert.equal((resolveEndpoint({ env: { DOCKER_HOST: 'tcp://example.test', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs } }) as { port: number }).port, 2376);
    assert.equal((resolveEndpoint({ env: { DOCKER_HOST: 'tcp://example.test' } }) as { port: number }).port, 2375);
  });

  it('speaks to the daemon over TLS, hijacked attach included', async () => {
    const engine = new EngineClient({ env: { DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs } });
    assert.equal((await engine.system.version()).ApiVersion, (await engine.ping()).apiVersion);
    const { Id } = await engine.containers.create({ Image: 'busybox', Cmd: ['sh', '-c', 'read line; echo got $line'], OpenStdin: true, StdinOnce: true, AttachStdin: true, AttachStdout: true });
    const session = await engine.containers.attach(Id, { stdin: true });
    await engine.containers.start(Id);
    session.stdin.write('secret\n');
    assert.deepEqual(await session.collect(), { stdout: 'got secret\n', stderr: '' });
    await engine.containers.remove(Id, { force: true });
  });

  it('a daemon whose certificate our CA did not sign is refused', async () => {
    const other = makeTempDir('skiff-tls-other-');
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=stranger'], { cwd: other, stdio: 'pipe' });
      execFileSync('cp', [join(other, 'ca.pem'), join(other, 'cert.pem')]);
      const engine = new EngineClient({ env: { DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: other } });
      await assert.rejects(engine.system.version(), /self[- ]signed|unable to verify|certificate/i);
    } finally {
      removeTempDir(other);
    }
  });
});
