// download.ts — one blob from a registry into the content store: resumed with Range, verified, then committed.

import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DigestMismatchError, hexOf, ResumableWrite, type ContentStore, type Descriptor, type Digest } from '../../02-images/index.js';
import { remoteError, VerificationError } from './errors.js';
import type { RegistrySession } from './session.js';

// #region fetcher
const ATTEMPTS = 3;

export class BlobFetcher {
  /** Downloads under way in this daemon, so two pulls of one layer share it. */
  private readonly inFlight = new Map<Digest, Promise<void>>();

  /** `partials` keeps what a cut connection left, under the blob's name, for the next try to resume. */
  constructor(private readonly content: ContentStore, private readonly partials: string) {}

  /** Fetches a blob unless the store has it; `true` if bytes were fetched. */
  async fetch(session: RegistrySession, repository: string, blob: Descriptor, onBytes: (n: number) => void, signal?: AbortSignal): Promise<boolean> {
    if (this.content.has(blob.digest)) return false;
    let running = this.inFlight.get(blob.digest);
    if (!running) {
      running = this.download(session, repository, blob, onBytes, signal).finally(() => this.inFlight.delete(blob.digest));
      this.inFlight.set(blob.digest, running);
    }
    await running;
    return true;
  }
  // #endregion fetcher

  // #region download
  /**
   * Writes into the partial file from where it stands (`Range: bytes=N-`);
   * a connection cut half-way is tried again from the new length, and a
   * pull that gave up leaves the file for the next pull to go on with.
   * Chapter 02's resumable write hashes the bytes as they arrive, so the
   * blob is committed by a rename, not copied a second time.
   */
  private async download(session: RegistrySession, repository: string, blob: Descriptor, onBytes: (n: number) => void, signal?: AbortSignal): Promise<void> {
    const writer = await ResumableWrite.open(this.content, join(this.partials, `${hexOf(blob.digest)}.partial`));
    try {
      for (let attempt = 1; ; attempt++) {
        if (writer.offset > blob.size) await writer.restart();
        try {
          if (writer.offset < blob.size) await this.fetchRange(session, repository, blob, writer, onBytes, signal);
          break;
        } catch (err) {
          if (signal?.aborted || attempt >= ATTEMPTS || err instanceof VerificationError) throw err;
          await sleep(200 * attempt);
        }
      }
      await writer.commit(blob);
    } catch (err) {
      if (!(err instanceof DigestMismatchError)) throw err;
      // The partial file is gone with the bad bytes: the next pull starts clean.
      throw new VerificationError(`filesystem layer verification failed for digest ${blob.digest}: ${err.message}`);
    } finally {
      await writer.close();
    }
  }

  // #endregion download

  // #region fetch-range
  private async fetchRange(
    session: RegistrySession, repository: string, blob: Descriptor, writer: ResumableWrite, onBytes: (n: number) => void, signal?: AbortSignal,
  ): Promise<void> {
    const headers = writer.offset > 0 ? { Range: `bytes=${writer.offset}-` } : undefined;
    const res = await session.request('GET', `/v2/${repository}/blobs/${blob.digest}`, { scopes: [`repository:${repository}:pull`], headers, signal });
    if (res.statusCode !== 200 && res.statusCode !== 206) throw await remoteError(res, `fetching blob ${blob.digest}`);
    // A registry that ignores Range answers 200 with the whole blob: start again.
    if (res.statusCode === 200 && writer.offset > 0) await writer.restart();
    for await (const chunk of res) {
      if (writer.offset + (chunk as Buffer).length > blob.size) {
        res.destroy();
        throw new VerificationError(`blob ${blob.digest} is longer than the ${blob.size} bytes its descriptor says`);
      }
      await writer.write(chunk as Buffer);
      onBytes(writer.offset);
    }
    if (writer.offset < blob.size) throw new Error(`blob ${blob.digest} ended after ${writer.offset} of ${blob.size} bytes`);
  }
}
// #endregion fetch-range
