// catalog.ts — which repositories exist, and what tags one has.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Layout } from './layout.js';
import { entriesOf } from './links.js';

// #region catalog
const MARKERS = ['_manifests', '_layers', '_uploads'];

export const repositoryExists = (layout: Layout, name: string): boolean =>
  MARKERS.some((m) => existsSync(join(layout.repository(name), m)));

/** Every repository name, sorted. */
export async function listRepositories(layout: Layout): Promise<string[]> {
  const names: string[] = [];
  const walk = async (prefix: string): Promise<void> => {
    for (const entry of await entriesOf(join(layout.repositories, prefix))) {
      if (entry.startsWith('_')) continue;
      const name = prefix ? `${prefix}/${entry}` : entry;
      if (repositoryExists(layout, name)) names.push(name);
      await walk(name);
    }
  };
  await walk('');
  return names.sort(byteOrder);
}

/** The tags of a repository, sorted. */
export async function listTags(layout: Layout, name: string): Promise<string[]> {
  return (await entriesOf(layout.tagsDir(name))).filter((t) => !t.startsWith('.')).sort(byteOrder);
}
// #endregion catalog

// #region paginate
/** One page of a sorted list: at most `n` entries after `last`, and whether more follow. */
export function paginate(all: string[], n: number | undefined, last: string | undefined): { page: string[]; more: boolean } {
  const rest = last === undefined ? all : all.filter((x) => byteOrder(x, last) > 0);
  if (n === undefined) return { page: rest, more: false };
  return { page: rest.slice(0, n), more: n > 0 && rest.length > n };
}

/** Go's sort.Strings order (byte by byte), which is what other registries return. */
export const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
// #endregion paginate
