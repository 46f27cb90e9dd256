// download.ts — one blob from a registry into the content store: resumed with Range, verified, then committed.

import { createReadStream, createWriteStream, mkdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { DigestMismatchError, hexOf, type ContentStore, type Descriptor, type Digest } from '../../02-images/index.js';
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
   * Appends to the partial file from where it stands (`Range: bytes=N-`);
   * a connection cut half-way is tried again from the new length, and a
   * pull that gave up leaves the file for the next pull to go on with.
   */
  private async download(session: RegistrySession, repository: string, blob: Descriptor, onBytes: (n: number) => void, signal?: AbortSignal): Promise<void> {
    mkdirSync(this.partials, { recursive: true });
    const partial = join(this.partials, `${hexOf(blob.digest)}.partial`);
    for (let attempt = 1; ; attempt++) {
      let have = sizeOf(partial);
      if (have > blob.size) (truncateSync(partial, 0), (have = 0));
      try {
        if (have < blob.size) await this.fetchRange(session, repository, blob, partial, have, onBytes, signal);
        break;
      } catch (err) {
        if (signal?.aborted || attempt >= ATTEMPTS || err instanceof VerificationError) throw err;
        await sleep(200 * attempt);
      }
    }
    await this.commit(partial, blob);
  }

  private async fetchRange(
    session: RegistrySession, repository: string, blob: Descriptor, partial: string, from: number, onBytes: (n: number) => void, signal?: AbortSignal,
  ): Promise<void> {
    const headers = from > 0 ? { Range: `bytes=${from}-` } : undefined;
    const res = await session.request('GET', `/v2/${repository}/blobs/${blob.digest}`, { scopes: [`repository:${repository}:pull`], headers, signal });
    if (res.statusCode !== 200 && res.statusCode !== 206) throw await remoteError(res, `fetching blob ${blob.digest}`);
    // A registry that ignores Range answers 200 with the whole blob: start again.
    let done = res.statusCode === 206 ? from : 0;
    const count = new Transform({
      transform(chunk: Buffer, _enc, next) {
        done += chunk.length;
        if (done > blob.size) return next(new VerificationError(`blob ${blob.digest} is longer than the ${blob.size} bytes its descriptor says`));
        onBytes(done);
        next(null, chunk);
      },
    });
    await pipeline(res, count, createWriteStream(partial, { flags: res.statusCode === 206 ? 'a' : 'w' }), { signal });
    if (done < blob.size) throw new Error(`blob ${blob.digest} ended after ${done} of ${blob.size} bytes`);
  }
  // #endregion download

  // #region commit
  /**
   * The content store hashes the bytes as it copies them in and refuses
   * them if they are not what the descriptor named: bad bytes never get a
   * name, and the partial file goes, so the next pull starts clean.
   */
  private async commit(partial: string, blob: Descriptor): Promise<void> {
    try {
      await this.content.write(createReadStream(partial), { digest: blob.digest, size: blob.size });
    } catch (err) {
      if (!(err instanceof DigestMismatchError)) throw err;
      rmSync(partial, { force: true });
      throw new VerificationError(`filesystem layer verification failed for digest ${blob.digest}: ${err.message}`);
    }
    rmSync(partial, { force: true });
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
// #endregion commit
