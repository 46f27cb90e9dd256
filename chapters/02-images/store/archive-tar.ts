// archive-tar.ts — reading an image archive into the store, and writing one.

import { posix } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import type { WrittenBlob } from './content-store.js';
import { isDigest, type Digest } from './digest.js';
import type { ImageStore } from './image-store.js';

// #region contents
type EntryHeader = Partial<tar.Header> & { name: string };

/** The files of an archive, each already a blob in the content store. */
export class ArchiveContents {
  readonly files = new Map<string, WrittenBlob>();
  readonly links = new Map<string, string>();
  /** Blobs this archive added to the store (not there before): the ones to drop if the load fails. */
  readonly added = new Set<Digest>();

  /** The blob behind an archive path, following symbolic and hard links. */
  lookup(path: string): WrittenBlob | undefined {
    let name = cleanPath(path);
    for (let hops = 0; hops < 16 && name !== null; hops++) {
      const file = this.files.get(name);
      if (file) return file;
      const target = this.links.get(name);
      if (target === undefined) return undefined;
      name = target;
    }
    return undefined;
  }

  has(path: string): boolean {
    return this.lookup(path) !== undefined;
  }
}

/** An archive path made relative and clean; null if it would leave the archive. */
function cleanPath(path: string): string | null {
  const clean = posix.normalize(path.replace(/^\.\//, '')).replace(/\/$/, '');
  if (clean.startsWith('/') || clean === '..' || clean.startsWith('../')) return null;
  return clean === '.' ? '' : clean;
}
// #endregion contents

// #region maybe-gunzip
/** Passes a stream through gunzip when it starts with gzip's magic bytes (RFC 1952). */
export async function maybeGunzip(input: Readable): Promise<Readable> {
  const iterator = input[Symbol.asyncIterator]();
  const first = await iterator.next();
  const head: Buffer = first.done ? Buffer.alloc(0) : Buffer.from(first.value as Uint8Array);
  const rest = Readable.from(
    (async function* () {
      if (head.length > 0) yield head;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value as Buffer;
    })(),
  );
  if (head[0] !== 0x1f || head[1] !== 0x8b) return rest;
  const gunzip = createGunzip();
  rest.on('error', (err) => gunzip.destroy(err));
  return rest.pipe(gunzip);
}
// #endregion maybe-gunzip

// #region ingest
/**
 * Streams an archive's files into the content store. An entry named
 * `blobs/sha256/<hex>` must hash to `<hex>`, or the whole load fails.
 */
export async function ingestArchive(store: ImageStore, input: Readable, contents: ArchiveContents): Promise<void> {
  const extract = tar.extract();
  const source = await maybeGunzip(input);
  const reading = pipeline(source, extract);
  reading.catch(() => undefined); // the error is taken below, when it is awaited
  try {
    for await (const entry of extract) {
      const { name, type, linkname } = entry.header;
      const path = cleanPath(name);
      if (path === null) throw new Error(`invalid archive: entry ${JSON.stringify(name)} points outside the archive`);
      if ((type === 'symlink' || type === 'link') && linkname) {
        // A symlink is relative to its directory; a hard link names an archive path.
        const target = cleanPath(type === 'symlink' ? posix.join(posix.dirname(path), linkname) : linkname);
        if (target === null) throw new Error(`invalid archive: link ${name} points outside the archive`);
        contents.links.set(path, target);
        // #endregion ingest
        // #region ingest-file
      } else if (type === 'file' || type === 'contiguous-file') {
        const blobName = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(path);
        const expected = blobName ? (`sha256:${blobName[1]}` as Digest) : undefined;
        if (expected && !isDigest(expected)) throw new Error(`invalid archive: ${name}`);
        const existed = expected !== undefined && store.content.has(expected);
        const written = await store.content.write(entry as unknown as AsyncIterable<Uint8Array>, expected);
        if (!existed && !contents.added.has(written.digest)) {
          // Blobs named by content may be shared with images already stored; only new ones are ours to drop.
          contents.added.add(written.digest);
        }
        contents.files.set(path, written);
        continue;
      }
      entry.resume(); // directories and anything else carry no content we need
    }
    await reading;
  } catch (err) {
    source.destroy();
    await reading.catch(() => undefined);
    throw err;
  }
}
// #endregion ingest-file

// #region writer
/** Writes the entries of an archive: reproducible (fixed mtimes, root owner). */
export class ArchiveWriter {
  private readonly pack = tar.pack();
  private readonly dirs = new Set<string>();
  readonly done: Promise<void>;

  constructor(out: Writable) {
    this.done = pipeline(this.pack, out);
    // If `out` fails early, whoever awaits the writing hears of it (output.ts);
    // until `finish` awaits this promise, its rejection is not an unhandled one.
    this.done.catch(() => {});
  }

  private header(name: string, type: 'file' | 'directory', size = 0): EntryHeader {
    return { name, type, size, mode: type === 'directory' ? 0o755 : 0o644, mtime: new Date(0), uid: 0, gid: 0 };
  }
  // #endregion writer

  // #region writer-entries
  private async directoriesOf(path: string): Promise<void> {
    const parts = path.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) {
      const dir = `${parts.slice(0, i).join('/')}/`;
      if (this.dirs.has(dir)) continue;
      this.dirs.add(dir);
      await this.entry(this.header(dir, 'directory'));
    }
  }

  private entry(header: EntryHeader, body?: Buffer | Readable): Promise<void> {
    return new Promise((resolve, reject) => {
      if (body === undefined || Buffer.isBuffer(body)) {
        this.pack.entry(header, body ?? Buffer.alloc(0), (err) => (err ? reject(err) : resolve()));
        return;
      }
      const sink = this.pack.entry(header, (err) => (err ? reject(err) : resolve()));
      pipeline(body, sink).catch(reject);
    });
  }
  // #endregion writer-entries

  // #region writer-add
  async addJson(name: string, value: unknown): Promise<void> {
    const bytes = Buffer.from(JSON.stringify(value));
    await this.directoriesOf(name);
    await this.entry(this.header(name, 'file', bytes.length), bytes);
  }

  async addBytes(name: string, bytes: Buffer): Promise<void> {
    await this.directoriesOf(name);
    await this.entry(this.header(name, 'file', bytes.length), bytes);
  }

  /** Copies a blob from the store under `blobs/sha256/<hex>`, once per archive. */
  private readonly blobs = new Set<Digest>();
  async addBlob(store: ImageStore, digest: Digest): Promise<string> {
    const name = `blobs/sha256/${digest.slice('sha256:'.length)}`;
    if (this.blobs.has(digest)) return name;
    this.blobs.add(digest);
    await this.directoriesOf(name);
    await this.entry(this.header(name, 'file', store.content.size(digest)), store.content.createReadStream(digest));
    return name;
  }

  async finish(): Promise<void> {
    this.pack.finalize();
    await this.done;
  }
}
// #endregion writer-add
