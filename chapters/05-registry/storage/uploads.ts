// uploads.ts — upload sessions: a blob arriving over several requests.

import { createHash, randomUUID, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { join } from 'node:path';
import { type ContentStore, type Digest } from '../../02-images/index.js';
import { digestInvalid, RegistryError, rangeInvalid, uploadUnknown } from '../errors.js';
import type { Blobs } from './blobs.js';
import type { Layout } from './layout.js';
import { entriesOf, isMissing } from './links.js';

// #region session-state
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What the registry knows of a session: its id, how many bytes it holds. */
export interface UploadStatus {
  id: string;
  size: number;
}

/** The running sha256 of a session, valid while it has seen every byte of the file. */
interface RunningHash {
  hash: Hash;
  size: number;
}

export class Uploads {
  private readonly hashes = new Map<string, RunningHash>();
  /** Sessions a request is writing to: a second writer would interleave its bytes. */
  private readonly busy = new Set<string>();

  constructor(private readonly store: ContentStore, private readonly layout: Layout, private readonly blobs: Blobs) {}

  private dataOf(name: string, id: string): string {
    if (!UUID_RE.test(id)) throw uploadUnknown(id); // ids are ours: anything else is not a session (nor a path)
    return join(this.layout.uploadDir(name, id), 'data');
  }
  // #endregion session-state

  // #region start
  async start(name: string): Promise<UploadStatus> {
    const id = randomUUID();
    await mkdir(this.layout.uploadDir(name, id), { recursive: true });
    await (await open(this.dataOf(name, id), 'wx')).close();
    this.hashes.set(id, { hash: createHash('sha256'), size: 0 });
    return { id, size: 0 };
  }

  async status(name: string, id: string): Promise<UploadStatus> {
    try {
      return { id, size: (await stat(this.dataOf(name, id))).size };
    } catch (err) {
      if (isMissing(err)) throw uploadUnknown(id);
      throw err;
    }
  }
  // #endregion start

  // #region append
  /**
   * Appends a chunk. With a Content-Range the chunk must start exactly where
   * the session stands, or it is refused with 416 and nothing is written;
   * without one (docker and skopeo send none) it simply goes at the end.
   * The bytes are hashed as they pass; the file is written through a
   * stream, so the socket is read while earlier bytes go to disk.
   */
  async append(name: string, id: string, chunk: AsyncIterable<Uint8Array>, startAt?: number): Promise<UploadStatus> {
    return this.exclusively(id, async () => {
      const { size } = await this.status(name, id);
      if (startAt !== undefined && startAt !== size) {
        throw rangeInvalid(`the upload holds ${size} bytes, so a chunk must start at ${size}, not ${startAt}`);
      }
      const running = this.hashes.get(id);
      const tracked = running !== undefined && running.size === size;
      const file = await open(this.dataOf(name, id), 'a');
      let written = size;
      const count = new Transform({
        transform(bytes: Buffer, _encoding, done) {
          written += bytes.length;
          if (tracked) (running.hash.update(bytes), (running.size = written));
          done(null, bytes);
        },
      });
      await pipeline(chunk, count, file.createWriteStream({ highWaterMark: 1 << 20 })); // the stream closes the file
      return { id, size: written };
    });
  }
  // #endregion append

  // #region commit
  /** Closes a session: the bytes must hash to `digest`; then they become a blob of `name`. */
  async commit(name: string, id: string, digest: Digest): Promise<void> {
    await this.exclusively(id, async () => {
      const data = this.dataOf(name, id);
      const { size } = await this.status(name, id);
      const actual = await this.digestOf(id, data, size);
      if (actual !== digest) {
        await this.remove(name, id); // a session that failed its check is of no use to anyone
        throw digestInvalid(`expected ${digest}, the upload hashes to ${actual}`);
      }
      if (!(await this.blobs.hold(digest))) {
        const file = await open(data, 'r+');
        await file.sync().finally(() => file.close()); // the bytes are on disk before the name says so
        await this.store.adopt(data, digest);
        await this.blobs.hold(digest); // a new blob is young, whenever its last chunk came (see gc.ts)
      }
      await this.blobs.link(name, digest);
      await this.remove(name, id);
    });
  }

  /** The session's digest: from the running hash, or by reading the file (after a restart). */
  private async digestOf(id: string, data: string, size: number): Promise<Digest> {
    const running = this.hashes.get(id);
    if (running && running.size === size) return `sha256:${running.hash.digest('hex')}`;
    const hash = createHash('sha256');
    for await (const bytes of createReadStream(data)) hash.update(bytes as Buffer);
    return `sha256:${hash.digest('hex')}`;
  }
  // #endregion commit

  // #region cancel
  async cancel(name: string, id: string): Promise<void> {
    await this.status(name, id);
    await this.exclusively(id, () => this.remove(name, id));
  }

  private async remove(name: string, id: string): Promise<void> {
    this.hashes.delete(id);
    await rm(this.layout.uploadDir(name, id), { recursive: true, force: true });
  }

  private async exclusively<T>(id: string, work: () => Promise<T>): Promise<T> {
    if (this.busy.has(id)) throw new RegistryError(416, 'BLOB_UPLOAD_INVALID', 'another request is writing to this upload');
    this.busy.add(id);
    try {
      return await work();
    } finally {
      this.busy.delete(id);
    }
  }
  // #endregion cancel

  // #region expire
  /**
   * Removes sessions of `name` untouched for longer than `maxAgeMs`: a client
   * that died half-way never says so, and its bytes would stay for ever.
   */
  async expire(name: string, maxAgeMs: number, now = Date.now()): Promise<string[]> {
    const removed: string[] = [];
    for (const id of await entriesOf(this.layout.uploadsDir(name))) {
      if (!UUID_RE.test(id) || this.busy.has(id)) continue;
      const touched = await stat(this.dataOf(name, id)).then((s) => s.mtimeMs, () => 0);
      if (now - touched > maxAgeMs) {
        await this.remove(name, id);
        removed.push(id);
      }
    }
    return removed;
  }
}
// #endregion expire
