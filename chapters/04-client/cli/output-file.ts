// output-file.ts — `save -o` and `export -o`: a tar written whole, or not at all.

import { randomBytes } from 'node:crypto';
import { lstatSync, statSync, type Stats } from 'node:fs';
import { open, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { CliError } from './cli.js';

// #region output-check
/**
 * The docker CLI's checks on `-o FILE`, before the daemon is asked for a
 * byte: the directory is there, and the file is a regular one or none —
 * the rename at the end replaces whatever the name holds, and a device
 * node, a FIFO or a symbolic link is not the user's archive to replace
 * (as root, `-o /dev/null` would swap the host's /dev/null for a file).
 */
export function checkOutput(path: string, what: string): void {
  try {
    statSync(dirname(path));
  } catch (err) {
    throw new CliError(`${what}: invalid output path: stat ${dirname(path)}: ${errnoText(err)}`);
  }
  let stats: Stats;
  try {
    stats = lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new CliError(`${what}: failed to stat output path: ${errnoText(err)}`);
  }
  const kind = fileKind(stats);
  if (kind) throw new CliError(`${what}: cannot write to ${kind}`);
}

/** The file types docker names when it refuses one; undefined for a regular file. */
function fileKind(stats: Stats): string | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isDirectory()) return 'a directory';
  if (stats.isSymbolicLink()) return 'a symbolic link directly';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  return stats.isCharacterDevice() ? 'a character device file' : 'a block device file';
}

/** `no such file or directory` from Node's `ENOENT: no such file or directory, stat 'x'`. */
const errnoText = (err: unknown) => String((err as Error).message).replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
// #endregion output-check

// #region output-write
/**
 * Writes `tar` to `path` under a temporary name beside it, flushed, then
 * renamed over `path`: a stream the daemon cuts short leaves no partial
 * archive that looks like a whole one. Mode 0600, as docker's.
 */
export async function writeOutput(path: string, tar: Readable): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const file = await open(temp, 'wx', 0o600);
  try {
    try {
      await writeFile(file, tar);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
// #endregion output-write
