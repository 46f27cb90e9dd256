// build-cache.ts — remembering what each build step produced, so the next build can skip it.

import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomically } from '../../01-namespaces/index.js';
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
  // #endregion cache

  // #region cache-entries
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

  /**
   * Records a step's result, whole or not at all. Not durable: it is a
   * cache, and an entry a crash lost or emptied only means that the step
   * runs again (`get` takes an unreadable entry for a miss).
   */
  put(key: string, entry: CacheEntry): void {
    mkdirSync(this.dir, { recursive: true });
    writeAtomically(join(this.dir, `${key}.json`), JSON.stringify(entry), { durable: false });
  }
}
// #endregion cache-entries
