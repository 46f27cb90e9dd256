// build-cache.ts — remembering what each build step produced, so the next build can skip it.

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Descriptor } from '../store/index.js';

// #region cache
/**
 * The image a step produced: the exact bytes of its config (kept here, since
 * garbage collection frees config blobs of intermediate images) and its
 * layers, which the final image keeps alive in the content store.
 */
export interface CacheEntry { config: string; layers: Descriptor[] }

export class BuildCache {
  readonly dir: string;

  constructor(root: string) {
    this.dir = join(root, 'build-cache');
  }

  /** sha256 of the parent image id, the instruction text and the content checksum. */
  static key(parent: string, instruction: string, contentChecksum = ''): string {
    return createHash('sha256').update(`${parent}\n${instruction}\n${contentChecksum}`).digest('hex');
  }

  /**
   * The entry for `key`, if there is one and `usable` still says yes: blobs
   * may have been garbage-collected since, and then the step runs again.
   */
  async get(key: string, usable: (entry: CacheEntry) => Promise<boolean>): Promise<CacheEntry | undefined> {
    let entry: CacheEntry;
    try {
      entry = JSON.parse(await readFile(join(this.dir, `${key}.json`), 'utf8')) as CacheEntry;
    } catch {
      return undefined;
    }
    return (await usable(entry)) ? entry : undefined;
  }

  /** Records a step's result; written to a temporary name, then renamed into place. */
  async put(key: string, entry: CacheEntry): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const temp = join(this.dir, `.${key}.${randomBytes(4).toString('hex')}.tmp`);
    await writeFile(temp, JSON.stringify(entry), { flush: true });
    await rename(temp, join(this.dir, `${key}.json`));
  }
}
// #endregion cache
