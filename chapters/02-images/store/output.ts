// output.ts — writing a tar to where the user asked, and failing in one line when that fails.

import { randomUUID } from 'node:crypto';
import { createWriteStream, statSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PassThrough, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { syncDirectory } from './content-store.js';

// #region check
/** Writes its bytes to the stream it is given; resolves when it has written them all. */
export type Producer = (out: Writable) => Promise<unknown>;

/**
 * The docker CLI's check on `-o FILE` before any work starts: the directory
 * must exist. Answers what is wrong, in its words, or undefined.
 */
export function outputPathProblem(path: string): string | undefined {
  try {
    statSync(dirname(path));
    return undefined;
  } catch (err) {
    return `invalid output path: stat ${dirname(path)}: ${errnoText(err)}`;
  }
}
// #endregion check

// #region write-stream
/**
 * Runs `produce` into `dest` and settles when `dest` has every byte — or,
 * when `dest` fails, with its error once `produce` has given up too (its
 * stream is destroyed under it, so its writes fail rather than wait).
 */
export async function writeTo(dest: Writable, name: string, produce: Producer): Promise<void> {
  const pass = new PassThrough();
  const delivered = pipeline(pass, dest).catch((err: unknown) => {
    throw new Error(`write ${name}: ${errnoText(err)}`);
  });
  const produced = produce(pass).then(
    () => pass.end(),
    (err: unknown) => {
      pass.destroy(err as Error);
      throw err;
    },
  );
  // Whichever fails first is the error; the other one is only an echo of it.
  produced.catch(() => {});
  delivered.catch(() => {});
  try {
    await Promise.race([produced.then(() => delivered), delivered]);
  } catch (err) {
    // The producer sees its stream torn down and stops; wait for that, so
    // that it holds no file open when the caller cleans up (export unmounts).
    await produced.catch(() => {});
    throw err;
  }
}
// #endregion write-stream

// #region write-to
/** Writes `path` whole or not at all: a temporary name beside it, fsync, rename. */
export async function writeFileAtomically(path: string, produce: Producer): Promise<void> {
  const temp = join(dirname(path), `.${randomUUID()}.tmp`);
  try {
    await writeTo(createWriteStream(temp, { flags: 'wx' }), path, produce);
    const file = await open(temp, 'r+');
    await file.sync();
    await file.close();
    await rename(temp, path);
    await syncDirectory(dirname(path));
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
// #endregion write-to

// #region errno-text
/** `no space left on device` from Node's `ENOSPC: no space left on device, write`. */
function errnoText(err: unknown): string {
  const { code, message } = err as NodeJS.ErrnoException;
  if (!code) return message;
  return message.replace(new RegExp(`^${code}: `), '').replace(/, \w+( '.*')?$/, '');
}
// #endregion errno-text
