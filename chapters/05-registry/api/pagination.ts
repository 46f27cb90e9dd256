// pagination.ts — `n` and `last` in, `Link` out, for tags and the catalog.

import { RegistryError } from '../errors.js';
import { paginate } from '../storage/index.js';

// #region pagination
export function readPage(query: URLSearchParams): { n?: number; last?: string } {
  const text = query.get('n');
  if (text !== null && text !== '' && !/^\d+$/.test(text)) {
    throw new RegistryError(400, 'PAGINATION_NUMBER_INVALID', `invalid number of results requested: ${JSON.stringify(text)}`);
  }
  return { n: text === null || text === '' ? undefined : Number(text), last: query.get('last') ?? undefined };
}

/** The page, and the Link header to the next one if there is one. */
export function page(all: string[], query: URLSearchParams, path: string): { items: string[]; headers: Record<string, string> } {
  const { n, last } = readPage(query);
  const { page: items, more } = paginate(all, n, last);
  if (!more || n === undefined) return { items, headers: {} };
  const next = new URLSearchParams({ n: String(n), last: items[items.length - 1]! });
  return { items, headers: { Link: `<${path}?${next}>; rel="next"` } };
}
// #endregion pagination
