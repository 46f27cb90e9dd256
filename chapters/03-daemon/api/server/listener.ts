// listener.ts — where the API listens: a unix socket, or TCP with mutual TLS.
//
// The socket is the daemon's front door, and whoever can write to it can
// run any program as root on this machine. So, like dockerd's, it is made
// with mode 0660, owned by root and a group (`skiff` here, `docker` there)
// whose members are trusted; and TCP is offered only with TLS in both
// directions (`--tlsverify`): a client must present a certificate signed by
// the CA given with `--tlscacert`. Plain TCP is refused outright.

import { chmodSync, chownSync, existsSync, readFileSync, unlinkSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect } from 'node:net';
import { InvalidArgumentError } from '../../../01-namespaces/index.js';

// #region tls-files
export interface TlsFiles {
  verify: boolean;
  ca?: string;
  cert?: string;
  key?: string;
}
// #endregion tls-files

// #region parse-host
export type ListenAddress = { kind: 'unix'; path: string } | { kind: 'tcp'; host: string; port: number };

/** `unix:///run/skiff/skiffd.sock` or `tcp://127.0.0.1:2376`, as dockerd's `--host` takes them. */
export function parseHost(text: string): ListenAddress {
  if (text.startsWith('unix://')) {
    const path = text.slice('unix://'.length);
    if (!path.startsWith('/')) throw new InvalidArgumentError(`invalid --host ${text}: the socket path must be absolute`);
    return { kind: 'unix', path };
  }
  const m = /^tcp:\/\/(\[[^\]]+\]|[^:/]*):(\d+)\/?$/.exec(text);
  if (m) return { kind: 'tcp', host: m[1]!.replace(/^\[|\]$/g, '') || '127.0.0.1', port: Number(m[2]) };
  throw new InvalidArgumentError(`invalid --host ${text}: expected unix:///path or tcp://host:port`);
}
// #endregion parse-host

// #region listen-unix
/** The group the socket belongs to, if the machine has one called `skiff` (man 5 group). */
function socketGroup(): number | undefined {
  try {
    const line = readFileSync('/etc/group', 'utf8').split('\n').find((l) => l.startsWith('skiff:'));
    return line ? Number(line.split(':')[2]) : undefined;
  } catch {
    return undefined;
  }
}

/** Answers whether something already serves on a socket path (then it is not ours to remove). */
function socketInUse(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => (probe.destroy(), resolve(true)));
    probe.once('error', () => resolve(false));
  });
}

async function listenUnix(server: Server, path: string): Promise<void> {
  if (existsSync(path)) {
    if (await socketInUse(path)) throw new InvalidArgumentError(`${path}: another daemon is listening on this socket`);
    unlinkSync(path); // left by a daemon that died
  }
  // The umask makes the socket 0660 from its first instant; chmod says so for the record.
  const umask = process.umask(0o117);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => (server.off('error', reject), resolve()));
    });
  } finally {
    process.umask(umask);
  }
  chmodSync(path, 0o660);
  const gid = socketGroup();
  if (gid !== undefined) chownSync(path, 0, gid);
}
// #endregion listen-unix

// #region listen-tcp
/** An https server that only talks to clients with a certificate from our CA. */
function tlsServer(tls: TlsFiles, address: string): Server {
  if (!tls.verify || !tls.ca || !tls.cert || !tls.key) {
    throw new InvalidArgumentError(`refusing to listen on ${address} without TLS: give --tlsverify --tlscacert --tlscert --tlskey`);
  }
  return createHttpsServer({
    ca: readFileSync(tls.ca), cert: readFileSync(tls.cert), key: readFileSync(tls.key),
    requestCert: true, rejectUnauthorized: true,
  }) as unknown as Server;
}
// #endregion listen-tcp

// #region listen
/**
 * A listening server for one `--host`; the caller attaches the API to it.
 * Idle keep-alive connections are never timed out, as dockerd's are not:
 * Node's default of five seconds races with clients (Node's own agent among
 * them) that reuse a pooled connection just as the server closes it.
 */
export async function listen(text: string, tls: TlsFiles): Promise<Server> {
  const address = parseHost(text);
  if (address.kind === 'unix') {
    const server = createHttpServer({ keepAliveTimeout: 0 });
    await listenUnix(server, address.path);
    return server;
  }
  const server = tlsServer(tls, text);
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => (server.off('error', reject), resolve()));
  });
  return server;
}
// #endregion listen
