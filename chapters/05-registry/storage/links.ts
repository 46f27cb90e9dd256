// links.ts — a link is a file that holds a digest.

import { readdir, readFile, rm, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeStreamAtomically } from '../../01-namespaces/index.js';
import { isDigest, type Digest } from '../../02-images/index.js';

// #region links
/**
 * Temporary name, fsync, rename, fsync of the directory, as every file Skiff
 * keeps; the asynchronous form, so the flushes wait on the thread pool and
 * not in front of every other request.
 */
export async function writeLink(path: string, digest: Digest): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeStreamAtomically(path, (file) => new Promise((done, fail) => file.end(digest, (err?: Error | null) => (err ? fail(err) : done()))));
}

/** The digest a link names, or undefined if there is no such link. */
export async function readLink(path: string): Promise<Digest | undefined> {
  try {
    const text = (await readFile(path, 'utf8')).trim();
    return isDigest(text) ? text : undefined;
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}
// #endregion links

// #region link-dirs
/** Removes a link with the directory that holds it (`…/<hex>/link` or `…/<tag>/current/link`). */
export async function removeLinkDir(dir: string): Promise<boolean> {
  try {
    await rm(dir, { recursive: true });
    return true;
  } catch (err) {
    if (isMissing(err)) return false;
    throw err;
  }
}

/** The entries of a directory, or none if it does not exist. */
export async function entriesOf(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if (isMissing(err) || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw err;
  }
}

export const isMissing = (err: unknown): boolean => (err as NodeJS.ErrnoException).code === 'ENOENT';
// #endregion link-dirs
