// upload.ts — one blob to a registry: HEAD, mount, or upload (in one PUT, or in chunks when large).

import { createReadStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { ContentStore, Descriptor } from '../../02-images/index.js';
import { remoteError } from './errors.js';
import type { RegistrySession } from './session.js';

// #region upload-blob
export interface UploadTarget {
  session: RegistrySession;
  repository: string;
  content: ContentStore;
  /** Blobs above this size go up in PATCH chunks of this size. */
  chunkSize: number;
  signal?: AbortSignal;
}

export type UploadOutcome = { kind: 'exists' } | { kind: 'mounted'; from: string } | { kind: 'pushed' };

/**
 * The push workflow of the spec for one blob: a `HEAD` first (the blob may
 * already be there), then a mount from a repository of the same registry
 * that has it, and only then the bytes.
 */
export async function uploadBlob(target: UploadTarget, blob: Descriptor, mountFrom: string[], onBytes: (n: number) => void): Promise<UploadOutcome> {
  const { session, repository, signal } = target;
  const push = `repository:${repository}:pull,push`;
  const head = await session.request('HEAD', `/v2/${repository}/blobs/${blob.digest}`, { scopes: [push], signal });
  head.resume();
  if (head.statusCode === 200) return { kind: 'exists' };
  let session202: IncomingMessage | undefined;
  for (const from of mountFrom.filter((r) => r !== repository)) {
    const res = await session.request('POST', `/v2/${repository}/blobs/uploads/?mount=${blob.digest}&from=${encodeURIComponent(from)}`, {
      scopes: [push, `repository:${from}:pull`], signal,
    });
    if (res.statusCode === 201) return (res.resume(), { kind: 'mounted', from });
    if (res.statusCode !== 202) throw await remoteError(res, `mounting ${blob.digest} from ${from}`);
    session202 = res; // not mounted: the registry opened an upload session instead, which we use
    break;
  }
  const started = session202 ?? (await session.request('POST', `/v2/${repository}/blobs/uploads/`, { scopes: [push], signal }));
  if (started.statusCode !== 202) throw await remoteError(started, `starting an upload of ${blob.digest}`);
  started.resume();
  await sendBytes(target, blob, started.headers.location!, onBytes);
  return { kind: 'pushed' };
}
// #endregion upload-blob

// #region send-bytes
/**
 * Small blobs: one `PUT <location>?digest=` with the bytes (a monolithic
 * upload). Large ones: `PATCH` chunks with `Content-Range`, each answer
 * giving the next location, then an empty `PUT ?digest=` that closes it.
 */
async function sendBytes(target: UploadTarget, blob: Descriptor, location: string, onBytes: (n: number) => void): Promise<void> {
  const { session, repository, content, chunkSize, signal } = target;
  const scopes = [`repository:${repository}:pull,push`];
  const path = content.path(blob.digest);
  const octets = { 'Content-Type': 'application/octet-stream' };
  let next = location;
  let offset = 0;
  if (blob.size > chunkSize) {
    for (; offset < blob.size; offset += chunkSize) {
      const end = Math.min(offset + chunkSize, blob.size) - 1;
      const res = await session.request('PATCH', next, {
        scopes, signal, body: () => createReadStream(path, { start: offset, end }),
        headers: { ...octets, 'Content-Range': `${offset}-${end}`, 'Content-Length': end - offset + 1 },
      });
      if (res.statusCode !== 202) throw await remoteError(res, `uploading ${blob.digest} at ${offset}`);
      res.resume();
      next = res.headers.location!;
      onBytes(end + 1);
    }
  }
  const url = new URL(next, (await session.open(signal)).url);
  url.searchParams.set('digest', blob.digest);
  const whole = offset === 0;
  const res = await session.request('PUT', url.href, {
    scopes, signal, body: whole ? () => createReadStream(path) : Buffer.alloc(0),
    headers: { ...octets, 'Content-Length': whole ? blob.size : 0 },
  });
  if (res.statusCode !== 201) throw await remoteError(res, `uploading ${blob.digest}`);
  res.resume();
  onBytes(blob.size);
}
// #endregion send-bytes
