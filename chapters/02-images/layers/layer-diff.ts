// layer-diff.ts — turning a container's changes back into a layer (image-spec `layer.md`, "Representing Changes").

import { createReadStream, lstatSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { digestingStream } from '../store/index.js';
import { deviceNumbers, readXattrs } from './file-metadata.js';
import type { LayerDigest } from './layer-apply.js';
import { ownerInContainer, type IdMap } from './id-map.js';
import { isOpaque, isWhiteout, OPAQUE_MARKER, WHITEOUT_PREFIX } from './whiteouts.js';

// #region tar-writer
type HeaderArgument = Partial<tar.Header> & Pick<tar.Header, 'name'>;

/** Writes tar entries for files on disk, keeping hard links as links. */
export class LayerTarWriter {
  readonly pack = tar.pack();
  /** First path written for each inode with more than one link. */
  private readonly inodes = new Map<string, string>();

  /** `idMap`: the files are a remapped root's; the tar gets the owners the container sees (id-map.ts). */
  constructor(private readonly idMap?: IdMap) {}

  /** Adds the file at `abs` under the name `rel`; a regular file's bytes are streamed. */
  async add(rel: string, abs: string, stat: Stats): Promise<void> {
    const header: HeaderArgument = {
      name: stat.isDirectory() ? `${rel}/` : rel,
      // The whole st_mode, type bits included: tar-stream would turn a bare 0
      // (a mode-000 file such as some distributions' /etc/shadow) into 0644.
      // Only the permission bits reach the header.
      mode: stat.mode,
      ...ownerInContainer(this.idMap, stat),
      mtime: new Date(Math.floor(stat.mtimeMs / 1000) * 1000),
    };
    const pax = paxXattrs(abs);
    if (pax) header.pax = pax;
    // #endregion tar-writer

    // #region tar-entry-kinds
    if (stat.isDirectory()) return this.entry({ ...header, type: 'directory' });
    if (stat.isSymbolicLink()) return this.entry({ ...header, type: 'symlink', linkname: readlinkSync(abs) });
    if (stat.isCharacterDevice() || stat.isBlockDevice() || stat.isFIFO()) {
      const type = stat.isFIFO() ? 'fifo' : stat.isBlockDevice() ? 'block-device' : 'character-device';
      const { major, minor } = deviceNumbers(stat.rdev);
      return this.entry({ ...header, type, devmajor: major, devminor: minor });
    }
    if (!stat.isFile()) return; // sockets cannot be archived; tar skips them too
    if (stat.nlink > 1) {
      const key = `${stat.dev}:${stat.ino}`;
      const first = this.inodes.get(key);
      if (first !== undefined) return this.entry({ ...header, type: 'link', linkname: first });
      this.inodes.set(key, rel);
    }
    await this.file({ ...header, type: 'file', size: stat.size }, abs);
  }
  // #endregion tar-entry-kinds

  // #region tar-markers
  /** Adds `dir/.wh.name`: `name` is deleted from the layers below. */
  whiteout(dirRel: string, name: string, mtime: Date): Promise<void> {
    return this.entry({ name: join(dirRel, `${WHITEOUT_PREFIX}${name}`), type: 'file', mode: 0o644, mtime });
  }

  /** Adds `dir/.wh..wh..opq`: nothing of the layers below shows through `dir`. */
  opaque(dirRel: string, mtime: Date): Promise<void> {
    return this.entry({ name: join(dirRel, OPAQUE_MARKER), type: 'file', mode: 0o644, mtime });
  }

  finish(): void {
    this.pack.finalize();
  }

  private entry(header: HeaderArgument): Promise<void> {
    // An entry without data still needs its (empty) body, or the pack waits for one.
    // The entry's error also comes as an event when the pack is torn down: listen, or it is an uncaught one.
    return new Promise((resolve, reject) => {
      this.pack.entry(header, Buffer.alloc(0), (err) => (err ? reject(err) : resolve())).on('error', reject);
    });
  }
  // #endregion tar-markers

  // #region tar-file
  /**
   * Streams a file into the tar; the pack's callback fires once its reader has
   * taken the bytes. Settles only once the file is closed, success or not:
   * export unmounts the filesystem it reads from right after.
   */
  private file(header: HeaderArgument, abs: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const source = createReadStream(abs);
      const closed = new Promise<void>((done) => source.once('close', () => done()));
      const fail = (err: Error): void => {
        source.destroy();
        void closed.then(() => reject(err));
      };
      const sink = this.pack.entry(header, (err) => (err ? fail(err) : void closed.then(() => resolve())));
      source.on('data', (chunk) => {
        if (!sink.write(chunk)) {
          source.pause();
          sink.once('drain', () => source.resume());
        }
      });
      source.on('end', () => sink.end(null));
      source.on('error', fail);
      // Torn down with the pack (its reader failed): an 'error' event nobody hears would crash the process.
      sink.on('error', fail);
    });
  }
}
// #endregion tar-file

// #region pax-out
/** xattrs as PAX records: SCHILY.xattr.* as GNU tar writes them, base64 LIBARCHIVE.xattr.* for binary values. */
function paxXattrs(abs: string): Record<string, string> | undefined {
  const xattrs = readXattrs(abs);
  if (xattrs.size === 0) return undefined;
  const pax: Record<string, string> = {};
  for (const [name, value] of xattrs) {
    const text = value.toString('utf8');
    if (Buffer.from(text, 'utf8').equals(value) && !text.includes('\n')) pax[`SCHILY.xattr.${name}`] = text;
    else pax[`LIBARCHIVE.xattr.${encodeURIComponent(name)}`] = value.toString('base64');
  }
  return pax;
}
// #endregion pax-out

// #region write-diff
/** Writes the changes held in an overlay upperdir as an uncompressed tar layer (owners shifted back with an `idMap`). */
export async function writeLayerDiff(upperDir: string, out: Writable, idMap?: IdMap): Promise<LayerDigest> {
  return writeTar(out, async (writer) => {
    await walkUpper(writer, upperDir, '');
  }, idMap);
}

async function walkUpper(writer: LayerTarWriter, upperDir: string, dirRel: string): Promise<void> {
  const dirAbs = join(upperDir, dirRel);
  for (const name of readdirSync(dirAbs).sort()) {
    const rel = dirRel ? `${dirRel}/${name}` : name;
    const abs = join(dirAbs, name);
    const stat = lstatSync(abs);
    if (isWhiteout(stat)) {
      await writer.whiteout(dirRel, name, stat.mtime);
      continue;
    }
    await writer.add(rel, abs, stat);
    if (stat.isDirectory()) {
      if (isOpaque(abs)) await writer.opaque(rel, stat.mtime);
      await walkUpper(writer, upperDir, rel);
    }
  }
}
// #endregion write-diff

// #region write-tar
/** Runs `produce` against a tar writer whose bytes go to `out`, hashing them on the way. */
export async function writeTar(out: Writable, produce: (writer: LayerTarWriter) => Promise<void>, idMap?: IdMap): Promise<LayerDigest> {
  const writer = new LayerTarWriter(idMap);
  const measured = digestingStream();
  const measure = measured.stream;
  const flowing = pipeline(writer.pack as unknown as NodeJS.ReadableStream, measure, out);
  flowing.catch(() => {}); // awaited below; `out` failing first must not crash the process meanwhile
  try {
    await produce(writer);
    writer.finish();
  } catch (err) {
    writer.pack.destroy(err as Error);
    await flowing.catch(() => {});
    throw err;
  }
  await flowing;
  const { digest: diffId, size } = measured.result();
  return { diffId, size };
}
// #endregion write-tar
