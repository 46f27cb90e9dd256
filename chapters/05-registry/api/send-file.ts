// send-file.ts — a stored blob onto the socket, through two buffers used in turn.

import { open } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';

// #region send-file
/** Large enough that a layer takes few system calls, small enough for ten clients at once. */
const CHUNK = 1 << 20;

/**
 * Sends bytes `start` to `end` (inclusive) of the file at `path`, then ends
 * the response. A file stream would allocate a new megabyte for every read,
 * and ten pulls of a 100 MB image would leave a gigabyte of buffers for the
 * garbage collector; here two buffers take turns: one is filled from the
 * file while the socket still sends the other. A buffer is refilled only
 * once the write that holds it has called back, since the socket sends
 * from the buffer itself, not from a copy.
 */
export async function sendFile(res: ServerResponse, path: string, start: number, end: number): Promise<void> {
  const file = await open(path, 'r');
  try {
    const buffers = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
    const sending: Promise<void>[] = [Promise.resolve(), Promise.resolve()];
    for (let position = start, turn = 0; position <= end; turn ^= 1) {
      await sending[turn];
      const length = Math.min(CHUNK, end + 1 - position);
      const { bytesRead } = await file.read(buffers[turn]!, 0, length, position);
      if (bytesRead === 0) throw new Error(`${path} ended at ${position} of ${end + 1} bytes`);
      position += bytesRead;
      sending[turn] = send(res, buffers[turn]!.subarray(0, bytesRead));
    }
    await Promise.all(sending);
  } finally {
    await file.close();
  }
  res.end();
}
// #endregion send-file

// #region send-chunk
/**
 * One write, settled when the socket has taken the bytes, or failed if the
 * client hung up. The failure is marked as handled here: it may come while
 * the loop awaits the other buffer, and it is seen when the loop gets to it.
 */
function send(res: ServerResponse, bytes: Buffer): Promise<void> {
  const sent = new Promise<void>((done, fail) => {
    if (res.destroyed) return fail(new Error('the client hung up'));
    const gone = () => fail(new Error('the client hung up'));
    res.once('close', gone);
    res.write(bytes, (err) => {
      res.off('close', gone);
      if (err) fail(err);
      else done();
    });
  });
  sent.catch(() => {});
  return sent;
}
// #endregion send-chunk
