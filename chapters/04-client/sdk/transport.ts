// transport.ts — one HTTP exchange with the daemon, over a unix socket or TCP.
//
// Node's own `node:http` carries every request, not `fetch` (undici): the
// Engine API's attach and exec endpoints answer `101 UPGRADED` and turn the
// connection into a raw two-way byte stream, and `fetch` has no way to hand
// that socket over; `node:http` gives it to us in its `upgrade` event. It also
// dials a unix socket with one option (`socketPath`), and it costs nothing to
// load, which matters to a CLI that starts once per command.

import { request as httpRequest, Agent, type IncomingMessage, type OutgoingHttpHeaders, type ClientRequest } from 'node:http';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import type { PeerCertificate } from 'node:tls';
import type { Duplex, Readable } from 'node:stream';
import { ConnectionError, errorForStatus } from './errors.js';
import type { Endpoint } from './host.js';

// #region request-options
/** A query string's values: arrays repeat the key, `undefined` leaves it out. */
export type Query = Record<string, string | number | boolean | string[] | undefined>;

/** One request: everything but the method and the path. */
export interface RequestOptions {
  query?: Query;
  /** A JSON value (sent as application/json), raw bytes, or a stream (sent chunked). */
  body?: unknown;
  /** Content-Type for a Buffer or stream body (a build context is `application/x-tar`). */
  contentType?: string;
  headers?: OutgoingHttpHeaders;
  /** Cancels the request, or the stream of its answer, when aborted. */
  signal?: AbortSignal;
}

/** The Go client's `Host` header: the daemon ignores it, but HTTP/1.1 requires one. */
const DUMMY_HOST = 'api.moby.localhost';
const USER_AGENT = 'Skiff-Client/0.1 (linux)';

/** node:https and node:tls are loaded only for a daemon behind TLS: a unix socket needs neither. */
const https = () => createRequire(import.meta.url)('node:https') as typeof import('node:https');
const tls = () => createRequire(import.meta.url)('node:tls') as typeof import('node:tls');
// #endregion request-options

// #region transport
/** Sends requests to one endpoint; knows nothing of versions or of the API's meaning. */
export class Transport {
  private readonly agent: Agent;

  constructor(readonly endpoint: Endpoint) {
    // Keep-alive: a command that makes several requests reuses one connection;
    // Node unrefs idle sockets, so they never keep the process alive.
    this.agent = endpoint.kind === 'tcp' && endpoint.tls ? new (https().Agent)({ keepAlive: true }) : new Agent({ keepAlive: true });
  }

  /** Sends a request and resolves with the response once its status is known to be < 400. */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<IncomingMessage> {
    const req = this.start(method, path, options);
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      req.once('response', resolve);
      req.once('error', (error) => reject(this.translate(error)));
    });
    if ((response.statusCode ?? 500) >= 400) throw await readError(response, path);
    cancelWith(response, req, options.signal);
    return response;
  }

  /** Sends a request and parses its JSON answer (undefined for an empty body). */
  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const text = (await readAll(await this.request(method, path, options))).toString('utf8');
    return (text.trim() === '' ? undefined : JSON.parse(text)) as T;
  }
  // #endregion transport

  // #region hijack
  /**
   * Asks for the connection itself (`Connection: Upgrade`, `Upgrade: tcp`).
   * On `101` the socket is ours: the daemon's output comes in on it, and what
   * we write goes to the container's stdin (moby's `hijack.go`). Any other
   * answer is an error status, read and thrown like any other.
   */
  hijack(method: string, path: string, options: RequestOptions = {}): Promise<{ socket: Duplex; contentType: string }> {
    const headers = { ...options.headers, Connection: 'Upgrade', Upgrade: 'tcp' };
    // The docker CLI says text/plain for an empty attach body; exec start's body is JSON.
    const contentType = options.body === undefined ? 'text/plain' : undefined;
    const req = this.start(method, path, { contentType, ...options, headers });
    return new Promise((resolve, reject) => {
      req.once('upgrade', (response: IncomingMessage, socket: Duplex, head: Buffer) => {
        // Bytes that came in with the 101 belong to the stream: put them back.
        if (head.length) socket.unshift(head);
        cancelWith(socket, req, options.signal);
        resolve({ socket, contentType: String(response.headers['content-type'] ?? '') });
      });
      req.once('response', (response: IncomingMessage) => {
        const status = response.statusCode ?? 500;
        if (status >= 400) readError(response, path).then(reject, reject);
        else reject(errorForStatus(500, `unable to upgrade to tcp, received ${status}`));
      });
      req.once('error', (error) => reject(this.translate(error)));
    });
  }
  // #endregion hijack

  // #region start
  /** Opens the request and writes its body; the caller waits for what comes back. */
  private start(method: string, path: string, options: RequestOptions): ClientRequest {
    const { body, signal } = options;
    const headers: OutgoingHttpHeaders = { Host: DUMMY_HOST, 'User-Agent': USER_AGENT, ...options.headers };
    let payload: Buffer | Readable | undefined;
    if (body === undefined) payload = undefined;
    else if (Buffer.isBuffer(body) || isReadable(body)) payload = body;
    else payload = Buffer.from(JSON.stringify(body));
    if (payload !== undefined) headers['Content-Type'] = options.contentType ?? (isReadable(body) || Buffer.isBuffer(body) ? 'application/octet-stream' : 'application/json');
    else if (options.contentType) headers['Content-Type'] = options.contentType;
    if (Buffer.isBuffer(payload)) headers['Content-Length'] = payload.length;
    const target = `${path}${queryString(options.query)}`;
    const endpoint = this.endpoint;
    const common = { method, path: target, headers, agent: this.agent, signal };
    const req =
      endpoint.kind === 'unix' ? httpRequest({ ...common, socketPath: endpoint.socketPath })
      : endpoint.tls ? https().request({
          ...common, host: endpoint.hostname, port: endpoint.port,
          ca: endpoint.tls.ca, cert: endpoint.tls.cert, key: endpoint.tls.key, rejectUnauthorized: endpoint.tls.verify,
          // The certificate must name the host the user gave, not the dummy Host header.
          servername: isIP(endpoint.hostname) ? undefined : endpoint.hostname,
          checkServerIdentity: (_: string, cert: PeerCertificate) => tls().checkServerIdentity(endpoint.hostname, cert),
        })
      : httpRequest({ ...common, host: endpoint.hostname, port: endpoint.port });
    if (isReadable(payload)) payload.pipe(req);
    else req.end(payload);
    return req;
  }

  /** A socket that is not there becomes the one line a user needs. */
  private translate(error: Error): Error {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EACCES' || code === 'ENOTSOCK') return new ConnectionError(this.endpoint.host, error);
    return error;
  }
  // #endregion start
}

// #region helpers
/**
 * Once the answer streams, aborting must end that stream with the signal's
 * AbortError — Node would otherwise report the torn connection as a bare
 * "aborted" — and later errors of the request itself are the stream's to tell.
 */
function cancelWith(stream: Readable | Duplex, req: ClientRequest, signal: AbortSignal | undefined): void {
  req.on('error', () => {});
  if (!signal) return;
  const abort = () => stream.destroy(signal.reason instanceof Error ? signal.reason : new DOMException('This operation was aborted', 'AbortError'));
  if (signal.aborted) {
    abort();
    return;
  }
  signal.addEventListener('abort', abort, { once: true });
  stream.once('close', () => signal.removeEventListener('abort', abort));
}

// #endregion helpers

// #region query
/** `?all=1&filters=…`: booleans as 1/0, as the Go client writes them; arrays repeat the key. */
export function queryString(query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, item);
    else params.append(key, typeof value === 'boolean' ? (value ? '1' : '0') : String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The whole body of a response. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const isReadable = (value: unknown): value is Readable =>
  typeof value === 'object' && value !== null && typeof (value as Readable).pipe === 'function';
// #endregion query

// #region read-error
/**
 * The error an error response carries. The message is the JSON body's
 * `message` only when Content-Type is exactly application/json (the Go
 * client's `checkResponseErr`); otherwise the body's text; an empty body
 * gets the Go client's sentence about API versions.
 */
async function readError(response: IncomingMessage, path: string): Promise<Error> {
  const status = response.statusCode ?? 500;
  const text = (await readAll(response)).toString('utf8').trim();
  let message = text;
  if (response.headers['content-type'] === 'application/json' && text) {
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {
      message = text;
    }
  }
  if (!message) {
    message = `request returned ${status} ${response.statusMessage ?? ''} for API route and version ${path}, check if the server supports the requested API version`.replace('  ', ' ');
  }
  return errorForStatus(status, message);
}
// #endregion read-error
