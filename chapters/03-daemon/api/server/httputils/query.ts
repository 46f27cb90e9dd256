// query.ts — reading query parameters the way moby's httputils does.
//
// The docker CLI says `all=1`, dockerode says `all=true`: moby's BoolValue
// takes anything but "", "0", "no", "false" and "none" as true. Numbers that
// do not parse are the client's mistake (400), and so are filters that are
// not the JSON map `{"name": {"value": true}}` (or the older
// `{"name": ["value"]}`) that `--filter` becomes on the wire.

import { InvalidArgumentError } from '../../../../01-namespaces/index.js';

// #region bool-value
/** moby `httputils.BoolValue`. */
export function boolValue(query: URLSearchParams, name: string): boolean {
  const value = (query.get(name) ?? '').trim().toLowerCase();
  return !['', '0', 'no', 'false', 'none'].includes(value);
}

/** moby `httputils.BoolValueOrDefault`: absent means `fallback`. */
export function boolValueOr(query: URLSearchParams, name: string, fallback: boolean): boolean {
  return query.has(name) ? boolValue(query, name) : fallback;
}
// #endregion bool-value

// #region int-value
/** An integer parameter; absent or empty means `fallback`. */
export function intValue(query: URLSearchParams, name: string, fallback: number): number {
  const text = query.get(name);
  if (text === null || text === '') return fallback;
  if (!/^[+-]?\d+$/.test(text.trim())) {
    throw new InvalidArgumentError(`strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`);
  }
  return Number(text);
}

/** An optional integer parameter: undefined when absent. */
export function optionalInt(query: URLSearchParams, name: string): number | undefined {
  return query.has(name) && query.get(name) !== '' ? intValue(query, name, 0) : undefined;
}
// #endregion int-value

// #region filters
/** `--filter key=value` as the API carries it: key → the set of values. */
export type Filters = Map<string, string[]>;

export function parseFilters(query: URLSearchParams): Filters {
  const text = query.get('filters');
  const filters: Filters = new Map();
  if (!text) return filters;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new InvalidArgumentError(`invalid filter: ${text}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new InvalidArgumentError(`invalid filter: ${text}`);
  for (const [key, value] of Object.entries(raw)) {
    if (Array.isArray(value)) filters.set(key, value.map(String));
    else if (value !== null && typeof value === 'object') filters.set(key, Object.keys(value));
    else throw new InvalidArgumentError(`invalid filter: ${text}`);
  }
  return filters;
}

/** Refuses a filter key the endpoint does not know, in moby's words. */
export function checkFilterKeys(filters: Filters, accepted: readonly string[]): void {
  for (const key of filters.keys()) {
    if (!accepted.includes(key)) throw new InvalidArgumentError(`invalid filter '${key}'`);
  }
}
// #endregion filters
