// response.ts — writing answers, on a normal response or a bare socket.

import type { ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

// #region responder
export interface Responder {
  /** A JSON body with Content-Type exactly `application/json`. */
  json(status: number, value: unknown): void;
  /** A body-less answer: 204, 201, 304. */
  empty(status: number): void;
  /** A pre-encoded JSON error body. */
  error(status: number, body: string): void;
  readonly sent: boolean;
}

export function responderFor(res: ServerResponse): Responder {
  const send = (status: number, body?: string) => {
    if (res.headersSent) {
      res.destroy(); // too late for a status: cut the stream, so the client sees it broke
      return;
    }
    if (body === undefined || status === 304) {
      res.writeHead(status).end(); // a 304 has no body (RFC 9110 §15.4.5)
    } else {
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).end(body);
    }
  };
  return {
    json: (status, value) => send(status, `${JSON.stringify(value)}\n`),
    empty: (status) => send(status),
    error: (status, body) => send(status, `${body}\n`),
    get sent() {
      return res.headersSent;
    },
  };
}
// #endregion responder

// #region responder-socket
/** The same answers, written by hand on a socket taken over by an upgrade. */
export function responderForSocket(socket: Duplex): Responder {
  let sent = false;
  const send = (status: number, body?: string) => {
    if (sent) {
      socket.destroy();
      return;
    }
    sent = true;
    if (status === 304) body = undefined;
    const head = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`, 'Connection: close'];
    if (body !== undefined) head.push('Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`);
    else head.push('Content-Length: 0');
    socket.end(`${head.join('\r\n')}\r\n\r\n${body ?? ''}`);
  };
  return {
    json: (status, value) => send(status, `${JSON.stringify(value)}\n`),
    empty: (status) => send(status),
    error: (status, body) => send(status, `${body}\n`),
    get sent() {
      return sent;
    },
  };
}
// #endregion responder-socket
