// body.ts — a request's body, read whole, and its JSON checked.
//
// Every JSON body the API takes (a container config, an exec config, an
// update) goes through `readJson`: bytes that are not JSON are a 400 in the
// words of Go's encoding/json, as dockerd says it, and never a crash.

import type { IncomingMessage } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import { InvalidArgumentError } from '../../../../01-namespaces/index.js';

// #region read-body
/** Reads a whole body (bounded: a container config is a few kilobytes). */
export async function readBody(stream: Readable, limit = 16 << 20): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new InvalidArgumentError(`request body is larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Reads and drops what is left of a body. A tar reader stops at the
 * archive's end-of-archive blocks, before the padding after them; Node
 * would then close the connection under a client still sending it (EPIPE).
 */
export async function drain(stream: Readable): Promise<void> {
  stream.unpipe();
  if (stream.readableEnded) return;
  stream.resume();
  await new Promise<void>((resolve) => (stream.once('end', resolve), stream.once('close', resolve), stream.once('error', () => resolve())));
}

/**
 * The body as a stream of its own: a consumer that destroys it when done
 * (a stream pipeline does) must not destroy the request, and with it the
 * connection the answer still has to go out on.
 */
export function bodyStream(req: Readable): Readable {
  const body = new PassThrough();
  req.pipe(body);
  return body;
}
// #endregion read-body

// #region read-json
/**
 * The body as JSON; an empty body is `undefined` (moby treats it as "no
 * config" where that is allowed). Malformed text is the client's mistake.
 */
export function parseJson(bytes: Buffer): unknown {
  const text = bytes.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InvalidArgumentError(`invalid JSON: ${goSyntaxError(text, err as Error)}`);
  }
}

/** Go's encoding/json wording for the common mistakes, which is what clients of dockerd see. */
function goSyntaxError(text: string, err: Error): string {
  const at = /position (\d+)/.exec(err.message);
  if (!at) return /end of JSON/i.test(err.message) ? 'unexpected EOF' : err.message;
  const char = text[Number(at[1])] ?? '';
  const looking = /property name/.test(err.message) ? 'looking for beginning of object key string' : 'looking for beginning of value';
  return `invalid character '${char}' ${looking}`;
}

/** moby's CheckForJSON: a body, if any, must say it is JSON. */
export function checkForJson(req: IncomingMessage): void {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
  if (type !== 'application/json' && (type !== '' || Number(req.headers['content-length'] ?? 0) > 0)) {
    throw new InvalidArgumentError(`Content-Type specified (${type}) must be 'application/json'`);
  }
}

export async function readJson(stream: Readable): Promise<unknown> {
  return parseJson(await readBody(stream));
}
// #endregion read-json
