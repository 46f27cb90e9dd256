// host.ts — where the daemon is, from the settings the docker CLI reads
// (docs: "Protect the Docker daemon socket" for the TLS variables).

import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { BadRequestError } from './errors.js';

// #region endpoint
/** The default sockets, tried in this order when nothing names a host. */
export const DEFAULT_SOCKETS = ['/run/skiff/skiffd.sock', '/var/run/docker.sock'] as const;

/** Client certificate material for a `tcp://` daemon behind TLS. */
export interface TlsSettings {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** Check the daemon's certificate against `ca` (DOCKER_TLS_VERIFY). */
  verify: boolean;
}

/** A daemon's address, parsed: a unix socket, or a TCP host and port (with TLS or not). */
export type Endpoint =
  | { kind: 'unix'; socketPath: string; host: string }
  | { kind: 'tcp'; hostname: string; port: number; tls?: TlsSettings; host: string };

/** What a caller may say about the connection; everything else comes from the environment. */
export interface HostOptions {
  /** `unix:///path`, `tcp://host:port`, or a bare socket path. */
  host?: string;
  /** Use TLS for tcp:// and check the daemon's certificate. Default: `DOCKER_TLS_VERIFY`. */
  tlsVerify?: boolean;
  /** Directory of ca.pem, cert.pem, key.pem. Default: `DOCKER_CERT_PATH`, else ~/.docker. */
  certPath?: string;
  /** The environment to read instead of `process.env` (tests). */
  env?: NodeJS.ProcessEnv;
}
// #endregion endpoint

// #region resolve-endpoint
/** Works out the daemon's address as the docker CLI would, without connecting. */
export function resolveEndpoint(options: HostOptions = {}): Endpoint {
  const env = options.env ?? process.env;
  const host = options.host || env.DOCKER_HOST || defaultSocket();
  if (host.startsWith('/')) return { kind: 'unix', socketPath: host, host: `unix://${host}` };
  const url = parseHost(host);
  if (url.protocol === 'unix:') return { kind: 'unix', socketPath: url.pathname, host };
  if (url.protocol !== 'tcp:' && url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BadRequestError(`unable to parse docker host \`${host}\``, 400);
  }
  const verify = options.tlsVerify ?? Boolean(env.DOCKER_TLS_VERIFY);
  const tls = verify || url.protocol === 'https:' ? readTls(options.certPath ?? env.DOCKER_CERT_PATH, verify) : undefined;
  // Docker's conventional ports: 2375 in the clear, 2376 with TLS.
  const port = url.port ? Number(url.port) : tls ? 2376 : 2375;
  return { kind: 'tcp', hostname: url.hostname, port, tls, host };
}

function parseHost(host: string): URL {
  try {
    return new URL(host);
  } catch {
    throw new BadRequestError(`unable to parse docker host \`${host}\``, 400);
  }
}

/** The first default socket that exists; Docker's when none does (its error names it). */
function defaultSocket(): string {
  const found = DEFAULT_SOCKETS.find((path) => existsSync(path)) ?? DEFAULT_SOCKETS[1];
  return `unix://${found}`;
}

/** ca.pem, cert.pem and key.pem from the certificate directory, those that exist. */
function readTls(certPath: string | undefined, verify: boolean): TlsSettings {
  const dir = certPath || join(homedir(), '.docker');
  const read = (name: string) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name)) : undefined);
  return { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem'), verify };
}
// #endregion resolve-endpoint
