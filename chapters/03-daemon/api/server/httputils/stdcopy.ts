// stdcopy.ts — two streams over one connection, in Docker's 8-byte frames.
//
// Without a terminal a container's stdout and stderr are two streams, and
// an attach, exec or logs response has one connection to carry them. moby's
// pkg/stdcopy cuts them into frames: a header of 8 bytes — the stream (1
// stdout, 2 stderr), three zero bytes, and the payload's length as a
// big-endian uint32 — then the payload. The client (the CLI's stdcopy, or
// dockerode's demuxStream) reads a header, then exactly that many bytes, and
// knows where they go. With a terminal there is only one stream, and the
// bytes go raw. API 1.42 and later say which in the Content-Type.

import { Writable } from 'node:stream';

// #region stdcopy
export const MULTIPLEXED = 'application/vnd.docker.multiplexed-stream';
export const RAW = 'application/vnd.docker.raw-stream';

export type StdStream = 'stdout' | 'stderr';

/** The 8-byte header and the payload, as one buffer. */
export function stdFrame(stream: StdStream, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream === 'stdout' ? 1 : 2;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/**
 * A writer for one stream of a response: framed when `multiplexed`, raw
 * otherwise. Ending it does not end `out`, which the other stream shares.
 */
export function streamWriter(out: Writable, stream: StdStream, multiplexed: boolean): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (out.writableEnded || out.destroyed) return done();
      out.write(multiplexed ? stdFrame(stream, chunk) : chunk, () => done());
    },
  });
}
// #endregion stdcopy
