// Helpers for the layer tests: build tar layers in memory with tar-stream
// (so a test can craft entries no honest tool would write), and describe a
// directory tree as text so two trees can be compared exactly.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { llistxattr, lgetxattr } from '../../chapters/02-images/layers/xattrs.js';
import { readMountInfo } from '../../chapters/01-namespaces/mountinfo.js';

export type TarEntry = Partial<tar.Header> & { name: string; data?: string | Buffer; pax?: Record<string, string> };

/** A tar archive holding `entries`, in order, exactly as given. */
export async function makeTar(entries: TarEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const chunk of pack as unknown as AsyncIterable<Buffer>) chunks.push(chunk);
  })();
  for (const { data, ...header } of entries) {
    await new Promise<void>((resolve, reject) => {
      const full = { mode: 0o644, mtime: new Date(1_700_000_000_000), type: 'file' as const, ...header };
      if (data !== undefined) pack.entry(full, data, (err) => (err ? reject(err) : resolve()));
      else pack.entry(full, (err) => (err ? reject(err) : resolve())).end(null);
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

export const gzip = (tarBytes: Buffer): Buffer => gzipSync(tarBytes);
export const streamOf = (bytes: Buffer): Readable => Readable.from([bytes]);
export const sha256 = (bytes: Buffer): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/**
 * One line per path under `root`: type, mode, owner, size, mtime (whole
 * seconds), link target or device number, content hash, xattrs. Two trees
 * with equal descriptions look the same to any program reading them.
 */
export function describeTree(root: string, options: { rootMtime?: boolean; mtimes?: boolean } = {}): string[] {
  const lines: string[] = [];
  const walk = (rel: string): void => {
    const abs = rel ? join(root, rel) : root;
    const st = lstatSync(abs);
    const type = st.isDirectory() ? 'd' : st.isSymbolicLink() ? 'l' : st.isFile() ? 'f' : st.isCharacterDevice() ? 'c' : st.isBlockDevice() ? 'b' : st.isFIFO() ? 'p' : '?';
    const hideMtime = options.mtimes === false || (rel === '' && options.rootMtime === false);
    const mtime = hideMtime ? '-' : String(Math.floor(st.mtimeMs / 1000));
    const what = st.isSymbolicLink() ? `-> ${readlinkSync(abs)}` : st.isFile() ? sha256(readFileSync(abs)).slice(7, 19) : st.isCharacterDevice() || st.isBlockDevice() ? `dev ${st.rdev}` : '';
    const xattrs = llistxattr(abs).sort().map((n) => `${n}=${lgetxattr(abs, n).toString('hex')}`).join(',');
    lines.push(`${rel || '.'} ${type} ${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid} ${st.isFile() ? st.size : ''} ${mtime} ${what} ${xattrs}`.trim());
    if (st.isDirectory()) for (const name of readdirSync(abs).sort()) walk(rel ? `${rel}/${name}` : name);
  };
  walk('');
  return lines;
}

/** The mount points under `dir` listed in /proc/self/mountinfo (tests must leave none). */
export function mountsUnder(dir: string): string[] {
  return readMountInfo()
    .map((m) => m.mountPoint)
    .filter((p) => p === dir || p.startsWith(`${dir}/`));
}
