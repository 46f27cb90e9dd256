// atomic-write.ts — replacing a file so that no reader, and no crash, sees half of it.
//
// Every file Skiff keeps — a container's state, an image index, a build
// cache entry, an archive written with `-o` — is written the same way: to a
// temporary name in the same directory, then renamed over the real one.
// rename(2) replaces a name in one step, so a reader finds the old file or
// the new one, never a mix (`man 2 rename`). That protects readers. A crash
// of the machine is another matter: the kernel may write the new name to
// disk before the data, and leave an empty file under it. Two fsync(2)
// calls close that window — on the file before the rename, so its bytes
// are on disk, and on the directory after it, so the new name is.

import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';

// #region atomic-write-options
export interface AtomicWriteOptions {
  /**
   * Flush the data and the new name to disk (two fsyncs, a few milliseconds).
   * Leave it on unless losing the file in a crash costs nothing: say why
   * where you turn it off.
   */
  durable?: boolean;
}

/**
 * A name beside `path` that no one else uses. Math.random is enough: the file
 * is opened with O_EXCL ('wx'), so a name that is somehow taken — even by a
 * symlink someone planted in a shared directory — fails instead of being
 * followed; and node:crypto would cost the runtime several ms to load.
 */
function temporaryName(path: string): string {
  const unique = `${process.pid}-${Math.random().toString(16).slice(2, 10)}`;
  return join(dirname(path), `.${basename(path)}.${unique}.tmp`);
}
// #endregion atomic-write-options

// #region write-atomically
/** Writes `data` to `path` whole or not at all: temporary name, fsync, rename, fsync of the directory. */
export function writeAtomically(path: string, data: string | Uint8Array, { durable = true }: AtomicWriteOptions = {}): void {
  const temp = temporaryName(path);
  const fd = openSync(temp, 'wx', 0o644);
  try {
    try {
      writeFileSync(fd, data);
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
  if (durable) syncDirectory(dirname(path));
}

/** fsync(2) of a directory makes the names just created or renamed in it durable. */
export function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
// #endregion write-atomically

// #region write-stream-atomically
/**
 * The same for a file too large to hold in memory (`save -o`, `export -o`):
 * `fill` writes into the temporary file through the stream it is given, and
 * only once it has finished is the file flushed and renamed into place. If
 * `fill` fails, the temporary file goes and `path` is as it was.
 */
export async function writeStreamAtomically(path: string, fill: (file: Writable) => Promise<void>): Promise<void> {
  const temp = temporaryName(path);
  const file = await open(temp, 'wx', 0o644);
  // autoClose off: the handle is ours, to flush and close once `fill` is done.
  const stream = file.createWriteStream({ autoClose: false });
  try {
    try {
      await fill(stream);
      await file.sync();
    } finally {
      stream.destroy();
      await file.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  await flushDirectory(dirname(path));
}

/**
 * syncDirectory on libuv's thread pool: a server that names files while it
 * answers others (a registry, a daemon pulling) must not stop its event
 * loop for as long as the disk takes to flush.
 */
export async function flushDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
// #endregion write-stream-atomically
