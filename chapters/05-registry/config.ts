// config.ts — the registry's configuration file, and the flags over it.

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { InvalidArgumentError } from '../01-namespaces/index.js';

// #region schema
const duration = z.string().regex(/^(\d+(\.\d+)?(ms|s|m|h|d))+$/, 'a duration such as 30s, 10m, 24h');

const accessRule = z.strictObject({
  /** A repository name, or a pattern with `*` (any characters but `/`) and `**` (any characters). */
  repository: z.string(),
  /** User names; `*` is any signed-in user, `anonymous` a client without credentials. */
  users: z.array(z.string()).min(1),
  actions: z.array(z.enum(['pull', 'push', 'delete', '*'])).min(1),
});

// #endregion schema

// #region config-schema
const configSchema = z.strictObject({
  listen: z.string().optional(),
  storage: z.string().optional(),
  /** DELETE of manifests and blobs (on by default, as skopeo delete and the conformance suite expect). */
  delete: z.boolean().default(true),
  uploads: z.strictObject({
    /** A session untouched for this long is removed. */
    maxAge: duration.default('24h'),
    /** How often the server looks for such sessions. */
    purgeInterval: duration.default('1h'),
  }).default({ maxAge: '24h', purgeInterval: '1h' }),
  tls: z.strictObject({ certificate: z.string(), key: z.string() }).optional(),
  limits: z.strictObject({
    /** Requests served at once; more get 429 TOOMANYREQUESTS and a Retry-After, instead of a slow queue. */
    concurrentRequests: z.number().int().positive().optional(),
  }).default({}),
  auth: z.strictObject({
    htpasswd: z.string(),
    token: z.strictObject({
      realm: z.string().optional(),
      service: z.string().default('skiff-registry'),
      issuer: z.string().default('skiff-registry'),
      expiry: duration.default('5m'),
      key: z.string().optional(),
    }).default({ service: 'skiff-registry', issuer: 'skiff-registry', expiry: '5m' }),
    /** Rules; with none, every signed-in user may do everything. */
    access: z.array(accessRule).optional(),
    /** Clients without credentials may pull (where the rules let `anonymous`, or everywhere without rules). */
    anonymousPull: z.boolean().default(false),
  }).optional(),
});

export type RegistryConfig = z.infer<typeof configSchema>;
export type AccessRule = z.infer<typeof accessRule>;
// #endregion config-schema

// #region load
/** Reads and checks a config file; relative paths in it become relative to it. */
export function loadConfig(path: string | undefined): RegistryConfig {
  if (path === undefined) return configSchema.parse({});
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8')) ?? {};
  } catch (err) {
    throw new InvalidArgumentError(`config ${path}: ${(err as Error).message.split('\n')[0]}`);
  }
  const checked = configSchema.safeParse(raw);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new InvalidArgumentError(`config ${path}: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  const config = checked.data;
  const here = (p: string) => resolve(dirname(path), p);
  if (config.storage) config.storage = here(config.storage);
  if (config.tls) config.tls = { certificate: here(config.tls.certificate), key: here(config.tls.key) };
  if (config.auth) {
    config.auth.htpasswd = here(config.auth.htpasswd);
    if (config.auth.token.key) config.auth.token.key = here(config.auth.token.key);
  }
  return config;
}

/** `90s`, `10m`, `1h30m`, `7d` in milliseconds. */
export function parseDuration(text: string): number {
  const unit: Record<string, number> = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 };
  let total = 0;
  for (const [, n, , u] of text.matchAll(/(\d+(\.\d+)?)(ms|s|m|h|d)/g)) total += Number(n) * unit[u!]!;
  return total;
}
// #endregion load
