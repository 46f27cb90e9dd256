// tar-response.ts — answering with a tar: export, cp out of a container.

import type { Writable } from 'node:stream';
import { responseOf, type RouteContext } from '../router/route.js';

// #region write-tar
/** A tar body: 200 once the backend is sure, then bytes; a failure mid-way can only cut the connection. */
export async function writeTar(ctx: RouteContext, write: (out: Writable) => Promise<void>, headers: Record<string, string> = {}): Promise<void> {
  const res = responseOf(ctx);
  res.writeHead(200, { 'Content-Type': 'application/x-tar', ...headers });
  try {
    await write(res);
    res.end();
  } catch {
    res.destroy();
  }
}
// #endregion write-tar
