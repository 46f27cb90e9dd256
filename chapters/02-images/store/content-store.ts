// content-store.ts — blobs named by their digest, written so they can be trusted, as containerd's are.

import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, statSync, type ReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError, isRunning, NotFoundError, ownerOf, ownerTag, flushDirectory } from '../../01-namespaces/index.js';
import { digestOf, hexOf, isDigest, type Digest } from './digest.js';

// #region vocabulary
/** Written bytes did not hash to the digest (or size) the writer promised. */
export class DigestMismatchError extends InvalidArgumentError {}

/** A blob that is not in the store. */
export class BlobNotFoundError extends NotFoundError {
  constructor(readonly digest: Digest) {
    super(`blob not found: ${digest}`);
  }
}

export interface WrittenBlob {
  digest: Digest;
  size: number;
}

/** What a writer may promise about the bytes it hands over. */
export type Expectation = Digest | { digest: Digest; size?: number };
// #endregion vocabulary

// #region content-store
/** Where the store lives under a Skiff root. */
export const blobsDirOf = (root: string): string => join(root, 'images', 'blobs', 'sha256');
export const ingestDirOf = (root: string): string => join(root, 'ingest');

export class ContentStore {
  readonly blobsDir: string;
  readonly ingestDir: string;

  constructor(readonly root: string) {
    this.blobsDir = blobsDirOf(root);
    this.ingestDir = ingestDirOf(root);
  }

  path(digest: Digest): string {
    return join(this.blobsDir, hexOf(digest));
  }

  has(digest: Digest): boolean {
    return existsSync(this.path(digest));
  }

  /** Size in bytes of a stored blob. */
  size(digest: Digest): number {
    try {
      return statSync(this.path(digest)).size;
    } catch {
      throw new BlobNotFoundError(digest);
    }
  }
  // #endregion content-store

  // #region read
  /** Reads a whole blob, checking it still hashes to its name. */
  async read(digest: Digest): Promise<Buffer> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path(digest));
    } catch {
      throw new BlobNotFoundError(digest);
    }
    const actual = digestOf(bytes);
    if (actual !== digest) throw new DigestMismatchError(`blob ${digest} is corrupt: its content hashes to ${actual}`);
    return bytes;
  }

  async readJson<T>(digest: Digest): Promise<T> {
    return JSON.parse((await this.read(digest)).toString('utf8')) as T;
  }

  /** Streams a blob (large layers); the reader checks the digest if it cares. */
  createReadStream(digest: Digest): ReadStream {
    if (!this.has(digest)) throw new BlobNotFoundError(digest);
    return createReadStream(this.path(digest));
  }
  // #endregion read

  // #region write
  /**
   * Stores bytes under their digest. The bytes go to a private ingest file,
   * are hashed as they pass, fsync'd, compared with what the writer expected,
   * and renamed into place. Nothing is left behind if any step fails.
   */
  async write(input: Uint8Array | AsyncIterable<Uint8Array>, expected?: Expectation): Promise<WrittenBlob> {
    const want = typeof expected === 'string' ? { digest: expected } : expected;
    if (want && !isDigest(want.digest)) throw new DigestMismatchError(`invalid digest: ${want.digest}`);
    await mkdir(this.ingestDir, { recursive: true });
    await mkdir(this.blobsDir, { recursive: true });

    // The writer in the name (pid and start time) lets GC tell an abandoned write from one in progress.
    const ingestPath = join(this.ingestDir, `${ownerTag()}-${randomUUID()}.partial`);
    const hash = createHash('sha256');
    let size = 0;
    const file = await open(ingestPath, 'wx', 0o644);
    try {
      try {
        const chunks = input instanceof Uint8Array ? [input] : input;
        for await (const chunk of chunks) {
          hash.update(chunk);
          size += chunk.length;
          await file.write(chunk);
        }
        await file.sync(); // the bytes are on disk before the name says they exist
      } finally {
        await file.close();
      }
      // #endregion write
      // #region write-check
      const digest: Digest = `sha256:${hash.digest('hex')}`;
      if (want && want.digest !== digest) {
        throw new DigestMismatchError(`digest mismatch: expected ${want.digest}, got ${digest}`);
      }
      if (want?.size !== undefined && want.size !== size) {
        throw new DigestMismatchError(`size mismatch for ${digest}: expected ${want.size} bytes, got ${size}`);
      }
      await this.adopt(ingestPath, digest);
      return { digest, size };
    } catch (err) {
      await rm(ingestPath, { force: true });
      throw err;
    }
  }
  // #endregion write-check

  // #region adopt
  /**
   * Names a file as the blob `digest`: the caller has fsync'd its bytes and
   * checked that they hash to it. The rename is the moment the blob exists,
   * and the directory's flush makes the new name as durable as the bytes.
   * Every writer of blobs ends here: `write` above, a resumable download, a
   * registry's upload session.
   */
  async adopt(file: string, digest: Digest): Promise<void> {
    await mkdir(this.blobsDir, { recursive: true });
    await rename(file, this.path(digest));
    await flushDirectory(this.blobsDir);
  }
  // #endregion adopt

  // #region housekeeping
  /** Removes a blob; removing one that is not there is not an error. */
  async delete(digest: Digest): Promise<void> {
    try {
      await unlink(this.path(digest));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }

  /** Every blob in the store. */
  list(): Digest[] {
    mkdirSync(this.blobsDir, { recursive: true });
    return readdirSync(this.blobsDir)
      .map((hex) => `sha256:${hex}`)
      .filter(isDigest);
  }
}

/** Ingest files whose writer is no longer running: left by a crash. */
export function abandonedIngests(store: ContentStore): string[] {
  mkdirSync(store.ingestDir, { recursive: true });
  return readdirSync(store.ingestDir)
    .filter((name) => {
      const writer = ownerOf(name);
      return writer !== undefined && !isRunning(writer);
    })
    .map((name) => join(store.ingestDir, name));
}
// #endregion housekeeping
