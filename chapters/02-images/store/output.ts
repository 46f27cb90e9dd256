// output.ts — writing a tar to where the user asked, and failing in one line when that fails.

import { lstatSync, statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { PassThrough, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidArgumentError, RuntimeError, writeStreamAtomically } from '../../01-namespaces/index.js';

// #region check
/** Writes its bytes to the stream it is given; resolves when it has written them all. */
export type Producer = (out: Writable) => Promise<unknown>;

/**
 * The docker CLI's check on `-o FILE` before any work starts: the directory
 * must exist, and the file be a regular one or none. Answers what is wrong,
 * in its words, or undefined.
 */
export function outputPathProblem(path: string): string | undefined {
  try {
    statSync(dirname(path));
  } catch (err) {
    return `invalid output path: stat ${dirname(path)}: ${errnoText(err)}`;
  }
  return destinationProblem(path);
}

/**
 * What the finished file's rename(2) must not replace. The rename would
 * swap a device node, a FIFO or a symbolic link for a regular file —
 * `save -o /dev/null` run as root would leave the host a /dev/null that
 * fills its disk — so, as moby's atomic writer does, anything but a
 * regular file (or nothing) is refused, with the file type named.
 */
function destinationProblem(path: string): string | undefined {
  let stats: Stats;
  try {
    stats = lstatSync(path);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : `failed to stat output path: ${errnoText(err)}`;
  }
  if (stats.isFile()) return undefined;
  if (stats.isDirectory()) return 'cannot write to a directory';
  if (stats.isSymbolicLink()) return 'cannot write to a symbolic link directly';
  if (stats.isFIFO()) return 'cannot write to a named pipe (FIFO)';
  if (stats.isSocket()) return 'cannot write to a socket';
  return stats.isCharacterDevice() ? 'cannot write to a character device file' : 'cannot write to a block device file';
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
    throw new RuntimeError(`write ${name}: ${errnoText(err)}`);
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
/** `-o FILE`: written whole or not at all, through chapter 01's writeStreamAtomically. */
export async function writeToFile(path: string, produce: Producer): Promise<void> {
  const problem = destinationProblem(path);
  if (problem) throw new InvalidArgumentError(`write ${path}: ${problem}`);
  let started = false;
  try {
    await writeStreamAtomically(path, (file) => {
      started = true;
      return writeTo(file, path, produce);
    });
  } catch (err) {
    // The temporary file could not even be made (a read-only filesystem, say):
    // name the user's file, as a failed write does, not the temporary one.
    if (!started) throw new RuntimeError(`write ${path}: ${errnoText(err)}`);
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
