// json-stream.ts — streams of JSON objects: progress messages and events (moby
// `pkg/jsonmessage`), a failure half-way arriving as an object with `errorDetail`.

import type { Readable } from 'node:stream';
import { StreamError } from './errors.js';

// #region json-message
/** One progress message (swagger: `CreateImageInfo`, `BuildInfo`, `PushImageInfo`). */
export interface JsonMessage {
  /** What happens to `id`: "Pulling fs layer", "Loaded image: busybox:latest". */
  status?: string;
  /** A layer, or a tag, that `status` is about. */
  id?: string;
  /** A preformatted progress bar. */
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  /** Build output text, written as it comes. */
  stream?: string;
  /** A result: the built image's `{ID}`, a push's `{Tag, Digest, Size}`. */
  aux?: Record<string, unknown>;
  errorDetail?: { code?: number; message: string };
  /** The legacy copy of `errorDetail.message`. */
  error?: string;
}
// #endregion json-message

// #region json-objects
/** The JSON values of a stream that carries one per line; blank lines are skipped. */
export async function* jsonLines<T>(input: Readable): AsyncGenerator<T> {
  let pending = '';
  for await (const chunk of input) {
    pending += (chunk as Buffer).toString('utf8');
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line) yield JSON.parse(line) as T;
    }
  }
  if (pending.trim()) yield JSON.parse(pending) as T;
}

/** The messages of a progress stream; an `errorDetail` ends it with a StreamError. */
export async function* progressMessages(input: Readable): AsyncGenerator<JsonMessage> {
  for await (const message of jsonLines<JsonMessage>(input)) {
    if (message.errorDetail || message.error) {
      throw new StreamError(message.errorDetail?.message ?? message.error ?? 'unknown error', message.errorDetail?.code);
    }
    yield message;
  }
}
// #endregion json-objects
