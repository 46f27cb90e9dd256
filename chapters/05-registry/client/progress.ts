// progress.ts — what `docker pull` and `docker push` print, as the JSON messages moby sends.

import type { JsonMessage } from '../../03-daemon/index.js';

// #region progress
export type Progress = (message: JsonMessage) => void;

/** Layers are named by the first 12 hex digits of their digest, as docker prints them. */
export const layerId = (digest: string): string => digest.replace(/^sha256:/, '').slice(0, 12);

/** One line per layer: `status` replaces the line the CLI drew for `id`. */
export const layerStatus = (progress: Progress, digest: string, status: string): void =>
  progress({ status, progressDetail: {}, id: layerId(digest) });

/**
 * A byte counter that reports at most every 100 ms (and at the end), so a
 * fast loopback pull does not send a message per 16 KiB chunk.
 */
export function byteReporter(progress: Progress, digest: string, status: string, total: number): (current: number) => void {
  let last = 0;
  return (current) => {
    const now = Date.now();
    if (current < total && now - last < 100) return;
    last = now;
    progress({ status, progressDetail: { current, total }, id: layerId(digest) });
  };
}
// #endregion progress
