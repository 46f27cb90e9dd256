// http.ts — one HTTP exchange with a registry, over node:http or node:https.

import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';

// #region send
export interface Exchange {
  method: string;
  url: URL;
  headers?: OutgoingHttpHeaders;
  body?: Buffer | Readable;
  /** TLS without checking the certificate: a registry listed as insecure. */
  insecure?: boolean;
  signal?: AbortSignal;
}

/**
 * Sends a request and resolves with the response once its headers are in;
 * the body is the caller's to read (a layer is streamed, never buffered).
 */
export function send(exchange: Exchange): Promise<IncomingMessage> {
  const request = exchange.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(exchange.url, {
      method: exchange.method, headers: exchange.headers, signal: exchange.signal, rejectUnauthorized: !exchange.insecure,
    }, resolve);
    req.on('error', reject);
    if (exchange.body instanceof Readable) exchange.body.on('error', (err) => req.destroy(err)).pipe(req);
    else req.end(exchange.body);
  });
}

/** A whole (small) response body: a manifest, a token, an error. */
export async function readAll(res: IncomingMessage, limit = 8 << 20): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      res.destroy();
      throw new Error(`response from ${res.url ?? 'the registry'} is larger than ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
// #endregion send
