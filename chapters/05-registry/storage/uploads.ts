// uploads.ts — upload sessions: a blob arriving over several requests.

import { randomUUID } from 'node:crypto';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DigestMismatchError, ResumableWrite, type ContentStore, type Digest } from '../../02-images/index.js';
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

export class Uploads {
  /**
   * Each session's writer (chapter 02's `ResumableWrite`), kept from one
   * request to the next for its running hash; its file is open only while a
   * request writes to it, so a thousand idle sessions hold no descriptors.
   */
  private readonly writers = new Map<string, ResumableWrite>();
  /** Sessions a request is writing to: a second writer would interleave its bytes. */
  private readonly busy = new Set<string>();

  constructor(private readonly store: ContentStore, private readonly layout: Layout, private readonly blobs: Blobs) {}

  private dataOf(name: string, id: string): string {
    if (!UUID_RE.test(id)) throw uploadUnknown(id); // ids are ours: anything else is not a session (nor a path)
    return join(this.layout.uploadDir(name, id), 'data');
  }

  /**
   * The writer of a session whose file holds `size` bytes. A writer that did
   * not write exactly those (none after a restart) is replaced by one that
   * reads the file once to hash what it holds.
   */
  private async writerOf(name: string, id: string, size: number): Promise<ResumableWrite> {
    const data = this.dataOf(name, id);
    const known = this.writers.get(data);
    if (known && known.offset === size) return known;
    const writer = await ResumableWrite.open(this.store, data);
    this.writers.set(data, writer);
    return writer;
  }
  // #endregion session-state

  // #region start
  async start(name: string): Promise<UploadStatus> {
    const id = randomUUID();
    await mkdir(this.layout.uploadDir(name, id), { recursive: true });
    await (await open(this.dataOf(name, id), 'wx')).close();
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
   * The answer waits until every byte is in the file. A chunk cut short
   * keeps the bytes that came; the writer is dropped, so the next request
   * hashes the file afresh and trusts nothing but what it holds.
   */
  async append(name: string, id: string, chunk: AsyncIterable<Buffer>, startAt?: number): Promise<UploadStatus> {
    return this.exclusively(id, async () => {
      const { size } = await this.status(name, id);
      if (startAt !== undefined && startAt !== size) {
        throw rangeInvalid(`the upload holds ${size} bytes, so a chunk must start at ${size}, not ${startAt}`);
      }
      const writer = await this.writerOf(name, id, size);
      try {
        for await (const bytes of chunk) await writer.write(bytes);
        await writer.close();
      } catch (err) {
        await this.forget(name, id);
        throw err;
      }
      return { id, size: writer.offset };
    });
  }
  // #endregion append

  // #region commit
  /** Closes a session: the bytes must hash to `digest`; then they become a blob of `name`. */
  async commit(name: string, id: string, digest: Digest): Promise<void> {
    await this.exclusively(id, async () => {
      const { size } = await this.status(name, id);
      try {
        await (await this.writerOf(name, id, size)).commit({ digest }); // checked, flushed, renamed into the store
      } catch (err) {
        if (!(err instanceof DigestMismatchError)) throw err;
        await this.remove(name, id); // a session that failed its check is of no use to anyone
        throw digestInvalid(err.message);
      }
      await this.blobs.hold(digest); // a new blob is young, whenever its last chunk came (see gc.ts)
      await this.blobs.link(name, digest);
      await this.remove(name, id);
    });
  }
  // #endregion commit

  // #region cancel
  async cancel(name: string, id: string): Promise<void> {
    await this.status(name, id);
    await this.exclusively(id, () => this.remove(name, id));
  }

  private async remove(name: string, id: string): Promise<void> {
    await this.forget(name, id);
    await rm(this.layout.uploadDir(name, id), { recursive: true, force: true });
  }

  /** Drops the session's writer, keeping what it wrote. */
  private async forget(name: string, id: string): Promise<void> {
    const data = this.dataOf(name, id);
    await this.writers.get(data)?.close().catch(() => {});
    this.writers.delete(data);
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
