// stdcopy.ts — taking stdout and stderr apart again (swagger: "Stream format"
// under /containers/{id}/attach; moby `pkg/stdcopy`).

import type { Readable, Writable } from 'node:stream';
import { once } from 'node:events';
import { StreamError } from './errors.js';

// #region frames
/** One frame of a multiplexed stream. */
export interface Frame {
  stream: 'stdin' | 'stdout' | 'stderr' | 'system';
  payload: Buffer;
}

const STREAMS = ['stdin', 'stdout', 'stderr', 'system'] as const;
const HEADER = 8;

/** The frames of a multiplexed stream, in order, however the bytes were chunked on the wire. */
export async function* frames(input: AsyncIterable<Buffer>): AsyncGenerator<Frame> {
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of input) {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= HEADER) {
      const stream = STREAMS[pending[0]!];
      if (!stream) throw new StreamError(`unrecognized stream: ${pending[0]}`);
      const size = pending.readUInt32BE(4);
      if (pending.length < HEADER + size) break;
      yield { stream, payload: pending.subarray(HEADER, HEADER + size) };
      pending = pending.subarray(HEADER + size);
    }
  }
  if (pending.length) throw new StreamError('the stream ended inside a frame');
}
// #endregion frames

// #region demultiplex
/**
 * Copies a multiplexed stream's stdout frames to `stdout` and stderr frames
 * to `stderr`, waiting when either is full. A frame on stream 3 is the
 * daemon reporting an error in the middle of the stream: it is thrown.
 */
export async function demultiplex(input: Readable, stdout: Writable, stderr: Writable): Promise<void> {
  for await (const frame of frames(input)) {
    if (frame.stream === 'system') throw new StreamError(frame.payload.toString('utf8'));
    const target = frame.stream === 'stderr' ? stderr : stdout;
    if (!target.write(frame.payload)) await once(target, 'drain');
  }
}
// #endregion demultiplex
