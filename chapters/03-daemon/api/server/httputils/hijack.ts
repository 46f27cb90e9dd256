// hijack.ts — taking over a connection for attach and exec start.
//
// `docker attach`, `docker run` and `docker exec` send `Connection: Upgrade`
// and `Upgrade: tcp`. moby answers `101 UPGRADED` and from then on the TCP
// connection carries raw bytes both ways: the client's keystrokes or piped
// stdin one way, the program's output the other. The docker CLI insists on
// the 101 ("unable to upgrade to tcp, received 200"). dockerode without
// `hijack: true` sends no Upgrade header and reads the output as an
// ordinary response body, so that case gets a 200 and a streamed body, and
// no input.
//
// The request's own body comes first either way: exec start carries its
// options as JSON, and dockerode sends its attach options as a JSON body too.
// On an upgraded connection those bytes sit at the front of the raw stream
// (in `head`, the bytes Node read past the headers, and then on the socket),
// so exactly Content-Length of them are taken off before the rest is input —
// otherwise dockerode's `{"stream":true,…}` would reach the container's stdin.

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
