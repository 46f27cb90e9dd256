// layer-apply.ts — unpacking one layer into one snapshot directory (image-spec `layer.md`).

import { closeSync, linkSync, lutimesSync, mkdirSync, openSync, rmSync, symlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { decompress, type Digest, digestingStream } from '../store/index.js';
import { applyMetadata, isLayerXattr, type FileMetadata } from './file-metadata.js';
import { InvalidArgumentError, mknod } from '../../01-namespaces/index.js';
import { entryPath, lstatOrUndefined, SafeTree, UnsafeLayerError } from './safe-path.js';
import { isWhiteout, makeOpaque, makeWhiteout, parseWhiteoutName } from './whiteouts.js';
import { extractKeepingRawPax, rawPaxXattrs } from './pax-xattrs.js';
import { ownerOnHost, type IdMap } from './id-map.js';

// #region applied-layer
export interface LayerDigest {
  /** sha256 of the uncompressed tar: the layer's DiffID. */
  diffId: Digest;
  /** Size of the uncompressed tar in bytes. */
  size: number;
}

/** A layer as applied: its digest, and what its files weigh. */
export interface AppliedLayer extends LayerDigest {
  /**
   * Bytes of the files the layer adds or changes (a symlink weighs its
   * target's name), what Docker reports as a layer's size: tar headers,
   * directories and whiteouts weigh nothing, so a step that changed nothing
   * is 0 B, not the 1 KiB of an empty tar's end blocks.
   */
  contentSize: number;
}
// #endregion applied-layer

// #region apply
/**
 * Applies a plain or gzipped tar layer into `dir` (which should be empty).
 * The compression is told by the first bytes (the store's decompress), not
 * by the media type, as Docker does. With an `idMap` every entry's owner
 * lands shifted into its host range (id-map.ts).
 */
export async function applyLayer(dir: string, input: Readable, idMap?: IdMap): Promise<AppliedLayer> {
  const { compression, stream } = await decompress(input);
  if (compression === 'zstd') {
    input.destroy();
    throw new InvalidArgumentError('zstd-compressed layers are not supported (Node 20 has no zstd)');
  }

  const measured = digestingStream();
  const measure = measured.stream;
  const extract = extractKeepingRawPax();
  const sink = extract as unknown as NodeJS.WritableStream; // a streamx Writable
  const flowing = pipeline(stream, measure, sink);
  flowing.catch(() => {}); // its error also reaches the loop below, which reports it
  // #endregion apply

  // #region apply-loop
  const writer = new LayerWriter(dir, idMap);
  let contentSize = 0;
  try {
    for await (const entry of extract) {
      const data = entry as unknown as EntryData;
      contentSize += weight(entry.header);
      writer.add(entry.header, entry.header.type === 'file' || entry.header.type === 'contiguous-file' ? data : null);
      await writer.drain(data);
    }
    await flowing;
    writer.finish();
  } catch (err) {
    input.destroy(); // stop reading a layer we have given up on
    throw err;
  } finally {
    writer.close();
  }
  const { digest: diffId, size } = measured.result();
  return { diffId, size, contentSize };
}

/** What one entry adds to the layer's contentSize. */
function weight(header: Header): number {
  if (header.type === 'file' || header.type === 'contiguous-file') return header.size ?? 0;
  if (header.type === 'symlink') return Buffer.byteLength(header.linkname ?? '');
  return 0;
}
// #endregion apply-loop

// #region metadata-of
type Header = tar.Header;
/** A tar entry's data, as tar-stream hands it over. */
type EntryData = AsyncIterable<Buffer> & { resume(): unknown };

/** The owner, mode, mtime and xattrs a tar header records; PAX records win over the fixed fields. */
function metadataOf(header: Header): FileMetadata {
  const pax = (header.pax ?? {}) as Record<string, string>;
  const xattrs = new Map<string, Buffer>();
  const rawXattrs = rawPaxXattrs(header.pax);
  for (const [key, value] of Object.entries(pax)) {
    // GNU tar and Docker write SCHILY.xattr.NAME=VALUE; libarchive writes
    // LIBARCHIVE.xattr.URLENCODED_NAME=BASE64_VALUE.
    if (key.startsWith('SCHILY.xattr.')) {
      // The value's raw bytes, read from the PAX header itself (pax-xattrs.ts):
      // tar-stream's decoded `value` is UTF-8 text and would mangle a binary
      // one such as a file capability.
      const name = key.slice('SCHILY.xattr.'.length);
      const bytes = rawXattrs?.get(name) ?? Buffer.from(value, 'utf8');
      xattrs.set(name, bytes);
    } else if (key.startsWith('LIBARCHIVE.xattr.')) {
      xattrs.set(decodeURIComponent(key.slice('LIBARCHIVE.xattr.'.length)), Buffer.from(value, 'base64'));
    }
  }
  for (const name of xattrs.keys()) if (!isLayerXattr(name)) xattrs.delete(name);
  return {
    mode: (header.mode ?? 0o644) & 0o7777,
    uid: pax.uid !== undefined ? Number(pax.uid) : (header.uid ?? 0),
    gid: pax.gid !== undefined ? Number(pax.gid) : (header.gid ?? 0),
    mtimeMs: pax.mtime !== undefined ? Number(pax.mtime) * 1000 : (header.mtime?.getTime() ?? 0),
    xattrs,
  };
}
// #endregion metadata-of

// #region layer-writer
const S_IFIFO = 0o010000;
const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;

/** Creates a layer's entries, one at a time, inside a SafeTree. */
class LayerWriter {
  private readonly tree: SafeTree;
  /** Directories whose mtimes are set at the end, since creating their children changes them. */
  private readonly dirTimes = new Map<string, number>();
  /** Paths this layer itself created (a whiteout never hides them: it applies to lower layers only). */
  private readonly created = new Set<string>();
  /** Whiteouts this layer made, so a directory later put at the same name becomes opaque. */
  private readonly whiteouts = new Set<string>();
  private pendingFile: { fd: number; path: string; meta: FileMetadata } | null = null;

  constructor(readonly root: string, private readonly idMap?: IdMap) {
    this.tree = new SafeTree(root);
  }
  // #endregion layer-writer

  // #region entry
  add(header: Header, data: EntryData | null): void {
    const name = header.name;
    const rel = entryPath(name);
    const meta = this.shifted(metadataOf(header));
    if (rel === '') {
      // "./": the snapshot root's own metadata.
      if (header.type === 'directory') this.setDirMetadata(this.root, meta);
      return;
    }
    const wh = parseWhiteoutName(basename(rel));
    if (wh.kind !== 'none') return this.addWhiteout(name, rel, wh);

    const path = this.tree.prepareParents(name, rel);
    switch (header.type) {
      case 'directory': {
        // A directory where this layer put a whiteout replaces the lower one
        // entirely: in overlayfs terms, it is opaque.
        const replacesWhiteout = this.whiteouts.has(rel);
        this.clear(rel, path, true);
        if (!lstatOrUndefined(path)) mkdirSync(path, 0o700);
        if (replacesWhiteout) makeOpaque(path);
        this.tree.rememberDir(rel);
        this.setDirMetadata(path, meta);
        break;
      }
      // #endregion entry
      // #region entry-kinds
      case 'file':
      case 'contiguous-file':
        this.clear(rel, path, false);
        // 'wx' is O_CREAT|O_EXCL: it refuses to follow a symlink at `path` (`man 2 open`).
        this.pendingFile = { fd: openSync(path, 'wx', 0o600), path, meta };
        if (!data) this.closeFile();
        break;
      case 'symlink':
        this.clear(rel, path, false);
        symlinkSync(header.linkname ?? '', path);
        applyMetadata(path, meta, true);
        break;
      case 'link': {
        // A hard link names another entry of the same layer; that name gets the same checks.
        const target = this.tree.existing(name, entryPath(header.linkname ?? '', name));
        if (target.stat.isDirectory()) throw new UnsafeLayerError(name, 'is a hard link to a directory');
        this.clear(rel, path, false);
        linkSync(target.path, path);
        break;
      }
      case 'character-device':
      case 'block-device':
      case 'fifo': {
        this.clear(rel, path, false);
        const type = header.type === 'fifo' ? S_IFIFO : header.type === 'block-device' ? S_IFBLK : S_IFCHR;
        mknod(path, type | 0o600, header.devmajor ?? 0, header.devminor ?? 0);
        applyMetadata(path, meta, false);
        break;
      }
      default:
        throw new InvalidArgumentError(`layer entry ${JSON.stringify(name)}: unsupported tar entry type ${header.type}`);
    }
    this.created.add(rel);
  }
  // #endregion entry-kinds

  // #region whiteout-entry
  private addWhiteout(name: string, rel: string, wh: ReturnType<typeof parseWhiteoutName>): void {
    const parentRel = dirname(rel) === '.' ? '' : dirname(rel);
    if (wh.kind === 'meta') return;
    if (wh.kind === 'opaque') {
      this.tree.prepareParents(name, rel); // the opaque directory must be a real directory of this layer
      makeOpaque(join(this.root, parentRel));
      return;
    }
    if (wh.kind !== 'whiteout') return;
    // `.wh..` and `.wh...` would hide "." or "..": the directory itself, or its parent.
    if (wh.name === '.' || wh.name === '..') throw new UnsafeLayerError(name, `whites out "${wh.name}"`);
    const hiddenRel = parentRel === '' ? wh.name : `${parentRel}/${wh.name}`;
    if (this.created.has(hiddenRel)) {
      // The spec: a whiteout never hides its own layer's files, only lower
      // ones. For a directory of this layer that means: opaque.
      const stat = lstatOrUndefined(join(this.root, hiddenRel));
      if (stat?.isDirectory()) makeOpaque(join(this.root, hiddenRel));
      return;
    }
    const path = this.tree.prepareParents(name, hiddenRel);
    this.clear(hiddenRel, path, false);
    makeWhiteout(path);
    this.whiteouts.add(hiddenRel);
  }
  // #endregion whiteout-entry

  // #region drain
  /** Streams a regular file's bytes to its open descriptor, or throws the entry away. */
  async drain(entry: EntryData): Promise<void> {
    if (!this.pendingFile) {
      entry.resume();
      return;
    }
    for await (const chunk of entry) {
      let offset = 0;
      while (offset < chunk.length) offset += writeSync(this.pendingFile.fd, chunk, offset);
    }
    this.closeFile();
  }

  /** Releases an open file descriptor if extraction stopped half-way. */
  close(): void {
    if (this.pendingFile) closeSync(this.pendingFile.fd);
    this.pendingFile = null;
  }

  private closeFile(): void {
    if (!this.pendingFile) return;
    const { fd, path, meta } = this.pendingFile;
    this.pendingFile = null;
    closeSync(fd);
    applyMetadata(path, meta, false);
  }
  // #endregion drain

  // #region clear
  /**
   * Makes room for a new entry at `path`. A directory over a directory is
   * kept (tar merges them); anything else that is there is removed first.
   */
  private clear(rel: string, path: string, keepDirectory: boolean): void {
    const stat = lstatOrUndefined(path);
    if (!stat) return;
    if (keepDirectory && stat.isDirectory()) return;
    if (isWhiteout(stat) || !stat.isDirectory()) rmSync(path);
    else rmSync(path, { recursive: true });
    this.tree.forget(rel);
    this.created.delete(rel);
    this.whiteouts.delete(rel);
  }

  /** The entry's owner as the host must record it: in the remapped range, if there is one. */
  private shifted(meta: FileMetadata): FileMetadata {
    return this.idMap ? { ...meta, ...ownerOnHost(this.idMap, meta) } : meta;
  }

  private setDirMetadata(path: string, meta: FileMetadata): void {
    applyMetadata(path, meta, false);
    this.dirTimes.set(path, meta.mtimeMs);
  }
  // #endregion clear

  // #region finish
  /**
   * Directory mtimes last: every entry created inside a directory changed
   * its mtime. (Setting one directory's times does not touch its parent's.)
   */
  finish(): void {
    this.closeFile();
    for (const [path, mtimeMs] of this.dirTimes) {
      if (lstatOrUndefined(path)?.isDirectory()) lutimesSync(path, mtimeMs / 1000, mtimeMs / 1000);
    }
  }
}
// #endregion finish
