// sources.ts — which repositories a blob is known to be in, so a push can mount instead of upload.

import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomically } from '../../01-namespaces/index.js';
import { hexOf, type Digest } from '../../02-images/index.js';

// #region sources
/**
 * moby keeps "v2 metadata" for the same purpose: a pull records where each
 * blob came from, a push where it went. A later push to that registry asks
 * to mount the blob from there (`POST …/uploads/?mount=&from=`), and the
 * bytes never travel again. A handful of sources per blob is plenty.
 */
export class BlobSources {
  constructor(private readonly dir: string) {}

  /** `127.0.0.1:5000/team/app` entries, most recent first. */
  of(digest: Digest): string[] {
    try {
      return JSON.parse(readFileSync(join(this.dir, hexOf(digest)), 'utf8')) as string[];
    } catch {
      return [];
    }
  }

  add(digest: Digest, repository: string): void {
    const known = [repository, ...this.of(digest).filter((r) => r !== repository)].slice(0, 5);
    mkdirSync(this.dir, { recursive: true });
    writeAtomically(join(this.dir, hexOf(digest)), JSON.stringify(known), { durable: false });
  }
}
// #endregion sources
