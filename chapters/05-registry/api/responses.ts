// responses.ts — the shapes of a registry's answers.

import type { ServerResponse } from 'node:http';
import { RegistryError } from '../errors.js';

// #region responses
export type Headers = Record<string, string | number>;

/** An answer without a body: 201, 202, 204, or a HEAD. */
export function sendEmpty(res: ServerResponse, status: number, headers: Headers = {}): void {
  res.writeHead(status, { 'Content-Length': 0, ...headers }).end();
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Headers = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers }).end(body);
}

export function sendError(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy(); // mid-body: cut the connection, so the client sees the blob broke off
    return;
  }
  const known = err instanceof RegistryError ? err : new RegistryError(500, 'UNKNOWN', `internal error: ${(err as Error).message}`);
  const body = { errors: [{ code: known.code, message: known.message, detail: known.detail ?? {} }] };
  sendJson(res, known.status, body, { ...known.headers });
}
// #endregion responses
