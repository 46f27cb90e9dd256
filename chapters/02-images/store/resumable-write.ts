// resumable-write.ts — a blob written in pieces that may outlive the process, as containerd's content writers are.

import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DigestMismatchError, type ContentStore, type WrittenBlob } from './content-store.js';
import type { Digest } from './digest.js';

// #region resumable-write
/** Bytes are gathered up to this many before a write(2): a network chunk is often 16–64 KiB. */
const BATCH = 1 << 20;
/** After this many bytes, an fdatasync(2) starts in the background (see `writeBatch`). */
const SYNC_EVERY = 8 << 20;

/**
 * A blob arriving over a connection that may be cut: the bytes go to a file
 * of the caller's naming (on the store's filesystem) and are hashed as they
 * pass, so that committing needs no second read and no copy — only the
 * digest check and a rename(2). Opening a file a cut download left hashes
 * what it holds and goes on from its end: containerd's `content.Writer`,
 * whose `Status().Offset` a puller resumes from.
 */
export class ResumableWrite {
  private hash: Hash = createHash('sha256');
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private unsynced = 0;
  private syncing: Promise<void> = Promise.resolve();
  /** The batch being written: one at a time, in order, while the next one gathers. */
  private writing: Promise<void> = Promise.resolve();
  /** Bytes taken so far, earlier attempts included: where a `Range` request starts. */
  offset = 0;

  private constructor(private readonly content: ContentStore, readonly path: string, private file: FileHandle | undefined) {}

  static async open(content: ContentStore, path: string): Promise<ResumableWrite> {
    await mkdir(dirname(path), { recursive: true });
    const writer = new ResumableWrite(content, path, await open(path, 'a'));
    for await (const chunk of createReadStream(path)) {
      writer.hash.update(chunk as Buffer);
      writer.offset += (chunk as Buffer).length;
    }
    return writer;
  }
  // #endregion resumable-write

  // #region resumable-append
  async write(chunk: Buffer): Promise<void> {
    this.hash.update(chunk);
    this.offset += chunk.length;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= BATCH) {
      await this.writing; // the batch before is down (or its failure is thrown here)
      this.writing = this.writeBatch(this.takePending());
      this.writing.catch(() => {}); // handled: the next write, flush or commit awaits it
    }
  }

  /** Writes what is gathered and waits until every byte given so far is in the file. */
  private async flush(): Promise<void> {
    await this.writing;
    if (this.pendingBytes > 0) await (this.writing = this.writeBatch(this.takePending()));
  }

  /** Starts over from byte 0: the source could not resume (a server that ignores `Range`). */
  async restart(): Promise<void> {
    await this.writing;
    this.takePending();
    await (await this.handle()).truncate(0);
    this.hash = createHash('sha256');
    this.offset = 0;
  }
  // #endregion resumable-append

  // #region resumable-commit
  /**
   * Names the bytes, if they are what the writer expected: fsync'd first,
   * then adopted by the blob store, as `ContentStore.write` ends. Bytes
   * that are not what was promised are removed, so no later attempt
   * resumes from them.
   */
  async commit(expected: { digest: Digest; size?: number }): Promise<WrittenBlob> {
    await this.flush();
    await this.syncing;
    await (await this.handle()).sync();
    await this.close();
    const digest: Digest = `sha256:${this.hash.digest('hex')}`;
    if (digest !== expected.digest || (expected.size ?? this.offset) !== this.offset) {
      await rm(this.path, { force: true });
      const size = expected.size === undefined ? '' : ` (${expected.size} bytes)`;
      throw new DigestMismatchError(`digest mismatch: expected ${expected.digest}${size}, got ${digest} (${this.offset} bytes)`);
    }
    await this.content.adopt(this.path, digest);
    return { digest, size: this.offset };
  }
  // #endregion resumable-commit

  // #region resumable-close
  /**
   * Writes what is gathered and lets go of the file, which stays for a later
   * attempt to resume — by this writer too: its next write opens the file
   * again, and its hash has kept count meanwhile.
   */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.syncing.catch(() => {});
      const file = this.file;
      this.file = undefined;
      await file?.close();
    }
  }
  // #endregion resumable-close

  // #region resumable-flush
  private takePending(): Buffer[] {
    const batch = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    return batch;
  }

  private async writeBatch(batch: Buffer[]): Promise<void> {
    // One writev(2) for the batch, without copying it into one buffer; a short
    // write (a full disk) goes on with what is left until it is out or fails.
    const total = batch.reduce((sum, b) => sum + b.length, 0);
    const file = await this.handle();
    const written = (await file.writev(batch)).bytesWritten;
    if (written < total) {
      const rest = Buffer.concat(batch).subarray(written);
      for (let done = 0; done < rest.length;) done += (await file.write(rest, done)).bytesWritten;
    }
    // The disk starts on what is written while the rest is still arriving,
    // so the fsync at the commit waits for the last few megabytes only, not
    // for the whole layer: one sync at a time, none awaited here.
    this.unsynced += total;
    if (this.unsynced >= SYNC_EVERY) {
      this.unsynced = 0;
      const next = this.syncing.then(() => file.datasync());
      next.catch(() => {}); // handled: the commit awaits it and fails with its error
      this.syncing = next;
    }
  }

  /** The open file, opened again (for appending) if the writer was closed. */
  private async handle(): Promise<FileHandle> {
    return (this.file ??= await open(this.path, 'a'));
  }
}
// #endregion resumable-flush
