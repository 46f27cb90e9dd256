// compression.ts — telling a compressed stream by its first bytes.
//
// A layer's media type says whether it is gzipped, but not every sender
// says so honestly, and a `docker save` archive or an `import` tarball says
// nothing at all. So, like Docker, we read the magic number each format
// starts with: gzip's 1f 8b (RFC 1952), zstd's 28 b5 2f fd (RFC 8878).
// Every reader of a layer, an archive or a tarball asks here.

import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

// #region detect
export type Compression = 'gzip' | 'zstd' | 'none';

export function detectCompression(head: Uint8Array): Compression {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}
// #endregion detect

// #region decompress
/** Reads the first `count` bytes of `input`, then gives back a stream that still starts at byte 0. */
export async function peek(input: Readable, count: number): Promise<{ head: Buffer; stream: Readable }> {
  const chunks: Buffer[] = [];
  let length = 0;
  const iterator = input[Symbol.asyncIterator]();
  while (length < count) {
    const next = await iterator.next();
    if (next.done) break;
    chunks.push(next.value as Buffer);
    length += (next.value as Buffer).length;
  }
  const head = Buffer.concat(chunks);
  async function* replay(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value as Buffer;
  }
  return { head, stream: Readable.from(replay()) };
}

/**
 * `input` as plain bytes, and the compression it came in: gzip is inflated
 * on the way; zstd is handed back as it is, for the caller to refuse, since
 * Node 20 has no zstd.
 */
export async function decompress(input: Readable): Promise<{ compression: Compression; stream: Readable }> {
  const { head, stream } = await peek(input, 4);
  const compression = detectCompression(head);
  if (compression !== 'gzip') return { compression, stream };
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  pipeline(stream, gunzip).catch(() => {}); // an error reaches whoever reads `gunzip`
  return { compression, stream: gunzip };
}
// #endregion decompress
