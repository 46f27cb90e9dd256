// blobs.ts — the blobs of one repository: the global store seen through links.

import { stat, utimes } from 'node:fs/promises';
import { DigestMismatchError, type ContentStore, type Digest } from '../../02-images/index.js';
import { blobUnknown, digestInvalid } from '../errors.js';
import type { Layout } from './layout.js';
import { readLink, removeLinkDir, writeLink, isMissing } from './links.js';
import { dirname } from 'node:path';

// #region blobs
export class Blobs {
  constructor(private readonly store: ContentStore, private readonly layout: Layout) {}

  /** The size of a blob the repository has (a layer, a config or a manifest), or undefined. */
  async sizeIn(name: string, digest: Digest): Promise<number | undefined> {
    const linked =
      (await readLink(this.layout.layerLink(name, digest))) === digest ||
      (await readLink(this.layout.revisionLink(name, digest))) === digest;
    return linked ? this.sizeInStore(digest) : undefined;
  }

  /** Where the bytes are, for the API to send (a blob's file is never changed, only removed). */
  pathOf(digest: Digest): string {
    return this.store.path(digest);
  }
  // #endregion blobs

  // #region blob-links
  /**
   * A blob sent whole in one request (a single POST, or a PUT with the body):
   * chapter 02's content store hashes it on the way in and refuses it under
   * any name but its own.
   */
  async write(name: string, body: AsyncIterable<Uint8Array>, digest: Digest): Promise<void> {
    try {
      await this.store.write(body, { digest });
    } catch (err) {
      if (err instanceof DigestMismatchError) throw digestInvalid(err.message);
      throw err;
    }
    await this.link(name, digest);
  }

  /** Makes a blob that is in the store part of a repository. */
  async link(name: string, digest: Digest): Promise<void> {
    await writeLink(this.layout.layerLink(name, digest), digest);
  }

  /** Takes a blob out of a repository; its bytes stay until GC finds them unused. */
  async unlink(name: string, digest: Digest): Promise<void> {
    if ((await readLink(this.layout.layerLink(name, digest))) !== digest) throw blobUnknown(digest);
    await removeLinkDir(dirname(this.layout.layerLink(name, digest)));
  }
  // #endregion blob-links

  // #region hold
  /**
   * Marks a blob as just used, so that a garbage collection running at this
   * moment keeps it (gc.ts sweeps only blobs older than its own start, and
   * looks again just before it deletes). Answers whether the blob exists.
   */
  async hold(digest: Digest): Promise<boolean> {
    const now = new Date();
    try {
      await utimes(this.store.path(digest), now, now);
      return true;
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  async sizeInStore(digest: Digest): Promise<number | undefined> {
    try {
      return (await stat(this.store.path(digest))).size;
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }
}
// #endregion hold
