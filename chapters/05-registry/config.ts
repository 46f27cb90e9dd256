// config.ts — the registry's configuration file, and the flags over it.

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import * as v from 'valibot';
import { InvalidArgumentError } from '../01-namespaces/index.js';

// #region schema
const duration = v.pipe(v.string(), v.regex(/^(\d+(\.\d+)?(ms|s|m|h|d))+$/, 'a duration such as 30s, 10m, 24h'));

const accessRule = v.strictObject({
  /** A repository name, or a pattern with `*` (any characters but `/`) and `**` (any characters). */
  repository: v.string(),
  /** User names; `*` is any signed-in user, `anonymous` a client without credentials. */
  users: v.pipe(v.array(v.string()), v.minLength(1)),
  actions: v.pipe(v.array(v.picklist(['pull', 'push', 'delete', '*'])), v.minLength(1)),
});

// #endregion schema

// #region config-schema
// A default given to v.optional goes through the schema it wraps, so `{}`
// for a section fills in that section's own defaults.
const configSchema = v.strictObject({
  listen: v.optional(v.string()),
  storage: v.optional(v.string()),
  /** DELETE of manifests and blobs (on by default, as skopeo delete and the conformance suite expect). */
  delete: v.optional(v.boolean(), true),
  uploads: v.optional(v.strictObject({
    /** A session untouched for this long is removed. */
    maxAge: v.optional(duration, '24h'),
    /** How often the server looks for such sessions. */
    purgeInterval: v.optional(duration, '1h'),
  }), {}),
  tls: v.optional(v.strictObject({ certificate: v.string(), key: v.string() })),
  limits: v.optional(v.strictObject({
    /** Requests served at once; more get 429 TOOMANYREQUESTS and a Retry-After, instead of a slow queue. */
    concurrentRequests: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  }), {}),
  auth: v.optional(v.strictObject({
    htpasswd: v.string(),
    token: v.optional(v.strictObject({
      realm: v.optional(v.string()),
      service: v.optional(v.string(), 'skiff-registry'),
      issuer: v.optional(v.string(), 'skiff-registry'),
      expiry: v.optional(duration, '5m'),
      /** How long a refresh token (`offline_token=true`, what `docker login` keeps) stays good. */
      refreshExpiry: v.optional(duration, '30d'),
      key: v.optional(v.string()),
    }), {}),
    /** Rules; with none, every signed-in user may do everything. */
    access: v.optional(v.array(accessRule)),
    /** Clients without credentials may pull (where the rules let `anonymous`, or everywhere without rules). */
    anonymousPull: v.optional(v.boolean(), false),
  })),
});

export type RegistryConfig = v.InferOutput<typeof configSchema>;
export type AccessRule = v.InferOutput<typeof accessRule>;
// #endregion config-schema

// #region load
/** Reads and checks a config file; relative paths in it become relative to it. */
export function loadConfig(path: string | undefined): RegistryConfig {
  if (path === undefined) return v.parse(configSchema, {});
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8')) ?? {};
  } catch (err) {
    throw new InvalidArgumentError(`config ${path}: ${(err as Error).message.split('\n')[0]}`);
  }
  const checked = v.safeParse(configSchema, raw);
  if (!checked.success) {
    throw new InvalidArgumentError(`config ${path}: ${describeIssue(checked.issues[0])}`);
  }
  const config = checked.output;
  const here = (p: string) => resolve(dirname(path), p);
  if (config.storage) config.storage = here(config.storage);
  if (config.tls) config.tls = { certificate: here(config.tls.certificate), key: here(config.tls.key) };
  if (config.auth) {
    config.auth.htpasswd = here(config.auth.htpasswd);
    if (config.auth.token.key) config.auth.token.key = here(config.auth.token.key);
  }
  return config;
}
// #endregion load

// #region config-issues
/**
 * One line for the first thing wrong. A strict object reports a key it does
 * not know as a key that should not exist (expected "never"); a typo such as
 * `acess` reads better named at the object that holds it.
 */
function describeIssue(issue: v.BaseIssue<unknown>): string {
  if (issue.expected === 'never' && issue.path?.length) {
    const parent = issue.path.slice(0, -1).map((item) => String(item.key)).join('.') || '(top)';
    return `${parent}: Unrecognized key: ${issue.received}`;
  }
  return `${v.getDotPath(issue) ?? '(top)'}: ${issue.message}`;
}
// #endregion config-issues

// #region durations
/** `90s`, `10m`, `1h30m`, `7d` in milliseconds. */
export function parseDuration(text: string): number {
  const unit: Record<string, number> = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 };
  let total = 0;
  for (const [, n, , u] of text.matchAll(/(\d+(\.\d+)?)(ms|s|m|h|d)/g)) total += Number(n) * unit[u!]!;
  return total;
}
// #endregion durations
