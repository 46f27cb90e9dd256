// stdcopy.ts — two streams over one connection, in Docker's 8-byte frames (moby's pkg/stdcopy).

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
