// backend.ts — what the image routes need from the daemon (moby's image router Backend).

import type { Readable, Writable } from 'node:stream';
import type { Filters } from '../../httputils/query.js';
import type { JsonMessage } from '../../httputils/json-stream.js';

// #region image-backend
export type ImageDeleteResponseItem = { Untagged: string } | { Deleted: string };

export interface ImageBackend {
  /** `GET /images/json`: one summary per image (not per name). */
  images(options: { all: boolean; filters: Filters }): Promise<Record<string, unknown>[]>;
  imageInspect(name: string): Promise<Record<string, unknown>>;
  imageHistory(name: string): Promise<Record<string, unknown>[]>;
  tagImage(source: string, repo: string, tag: string): Promise<void>;
  imageDelete(name: string, options: { force: boolean; prune: boolean }): Promise<ImageDeleteResponseItem[]>;
  imagesPrune(filters: Filters): Promise<{ ImagesDeleted: ImageDeleteResponseItem[]; SpaceReclaimed: number }>;
  /** `docker load`: every image of a `docker save` or OCI archive. */
  loadImages(input: Readable, progress: (message: JsonMessage) => void): Promise<void>;
  /** `docker save`: checks the names first (a 404 before any byte), then streams the archive. */
  checkImages(names: string[]): Promise<void>;
  exportImages(names: string[], out: Writable): Promise<void>;
  /** `docker import`: one root filesystem tarball becomes a one-layer image. */
  importImage(input: Readable, options: { repo?: string; tag?: string; message?: string; changes: string[] }): Promise<string>;
}
// #endregion image-backend
