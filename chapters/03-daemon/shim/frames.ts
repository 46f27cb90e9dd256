// frames.ts — Docker's stdcopy framing: two streams over one connection.
//
// An attach without a terminal carries the container's stdout and stderr
// over a single byte stream, so Docker cuts it into frames, each with an
// 8-byte header: the stream (1 stdout, 2 stderr), three zero bytes, and the
// payload's length as a big-endian 32-bit number (moby's pkg/stdcopy). The
// shim frames its output that way even with a terminal (everything is then
// stream 1), so the daemon can pass frames straight through to a client
// that wants them multiplexed, or strip the headers for one that does not.

import { Transform, type TransformCallback } from 'node:stream';

// #region frames
export const STDOUT = 1;
export const STDERR = 2;
export type StreamNumber = typeof STDOUT | typeof STDERR;

export function frame(stream: StreamNumber, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

export interface Frame {
  stream: StreamNumber;
  payload: Buffer;
}

/** Bytes in, one Frame object out per frame, however the bytes were cut on the way. */
export class FrameDecoder extends Transform {
  private pending: Buffer = Buffer.alloc(0);

  constructor() {
    super({ readableObjectMode: true });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      this.push({ stream: this.pending[0] as StreamNumber, payload: this.pending.subarray(8, 8 + size) } satisfies Frame);
      this.pending = this.pending.subarray(8 + size);
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    done(this.pending.length ? new Error(`the stream ended inside a frame (${this.pending.length} bytes left)`) : null);
  }
}
// #endregion frames
