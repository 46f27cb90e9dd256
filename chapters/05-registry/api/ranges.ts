// ranges.ts — byte ranges, both ways.

import { RegistryError } from '../errors.js';

// #region range
/** The one range a GET asks for, clamped to the blob; undefined for the whole blob. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined; // not one range we understand: RFC 9110 lets us send it all
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2])); // `bytes=-N`: the last N bytes
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) {
    throw new RegistryError(416, 'RANGE_INVALID', `range ${header} is outside the blob's ${size} bytes`, undefined, {
      'Content-Range': `bytes */${size}`,
    });
  }
  return { start, end };
}

/** A PATCH's `Content-Range: N-M`: where the chunk starts, and how long it says it is. */
export function parseContentRange(header: string | undefined): { start: number; length: number } | undefined {
  if (header === undefined) return undefined;
  const m = /^(?:bytes )?(\d+)-(\d+)(?:\/(?:\d+|\*))?$/.exec(header.trim());
  if (!m || Number(m[2]) < Number(m[1])) {
    throw new RegistryError(416, 'BLOB_UPLOAD_INVALID', `invalid Content-Range ${JSON.stringify(header)}`);
  }
  return { start: Number(m[1]), length: Number(m[2]) - Number(m[1]) + 1 };
}
// #endregion range
