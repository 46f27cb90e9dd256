// hijack.ts — taking over a connection for attach and exec start.

import type { Readable, Writable } from 'node:stream';
import type { Duplex } from 'node:stream';
import { readBody } from './body.js';
import type { RouteContext } from '../router/route.js';

// #region hijack
export interface Hijacked {
  /** The request body (exec start's options), read off before the stream begins. */
  body: Buffer;
  /** Begins the stream: the 101 (or 200) goes out, with this Content-Type. */
  begin(contentType: string): { input?: Readable; output: Writable };
  /** Ends the stream: what was written is flushed, then the connection closes. */
  end(): void;
}

export async function hijack(ctx: RouteContext): Promise<Hijacked> {
  const length = Number(ctx.req.headers['content-length'] ?? 0);
  if (!ctx.hijack) {
    const res = ctx.res!;
    const body = await readBody(ctx.req);
    return {
      body,
      begin(contentType) {
        // The connection ends with the stream, as moby's does ("raw until close").
        res.writeHead(200, { 'Content-Type': contentType, Connection: 'close' });
        res.flushHeaders();
        return { output: res };
      },
      end: () => res.end(),
    };
  }
  const { socket, head } = ctx.hijack;
  const body = await takeBytes(socket, head, length);
  return {
    body,
    begin(contentType) {
      socket.write(`HTTP/1.1 101 UPGRADED\r\nContent-Type: ${contentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
      return { input: socket, output: socket };
    },
    end: () => {
      // Our half first, so the client reads to the end of the output; then
      // the whole connection, since a client may keep its own half open.
      socket.end(() => socket.destroy());
    },
  };
}
// #endregion hijack

// #region take-bytes
/** The first `count` bytes of the raw stream (`head`, then the socket); what follows is put back. */
function takeBytes(socket: Duplex, head: Buffer, count: number): Promise<Buffer> {
  if (head.length >= count) {
    if (head.length > count) socket.unshift(head.subarray(count));
    return Promise.resolve(head.subarray(0, count));
  }
  return new Promise((resolve, reject) => {
    let taken = head;
    const onData = (chunk: Buffer) => {
      taken = Buffer.concat([taken, chunk]);
      if (taken.length < count) return;
      socket.off('data', onData).off('error', reject).off('end', onEnd);
      socket.pause();
      if (taken.length > count) socket.unshift(taken.subarray(count));
      resolve(taken.subarray(0, count));
    };
    const onEnd = () => resolve(taken);
    socket.on('data', onData).once('error', reject).once('end', onEnd);
  });
}
// #endregion take-bytes
