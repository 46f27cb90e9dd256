// digest.ts — the names of content (OCI image-spec `descriptor.md`, "Digests").

import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';

// #region digest
/** `sha256:` followed by 64 lowercase hex digits. */
export type Digest = `sha256:${string}`;

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

export function isDigest(value: string): value is Digest {
  return DIGEST_RE.test(value);
}

/** Parses a digest, refusing anything but a well-formed sha256 one. */
export function parseDigest(value: string): Digest {
  if (!isDigest(value)) throw new Error(`invalid digest: ${JSON.stringify(value)}`);
  return value;
}

/** The digest of bytes held in memory. */
export function digestOf(bytes: Uint8Array | string): Digest {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** The 64 hex digits of a digest, as used for file names. */
export function hexOf(digest: Digest): string {
  return digest.slice('sha256:'.length);
}
// #endregion digest

// #region digesting-stream
/**
 * A pass-through stream that digests and counts the bytes flowing through
 * it, so a layer is named by its DiffID in the same pass that unpacks or
 * writes it, without holding it in memory.
 */
export function digestingStream(): { stream: Transform; result(): { digest: Digest; size: number } } {
  const hash = createHash('sha256');
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  return { stream, result: () => ({ digest: `sha256:${hash.digest('hex')}`, size }) };
}
// #endregion digesting-stream
