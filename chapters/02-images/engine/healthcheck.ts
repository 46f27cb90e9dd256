// healthcheck.ts — HEALTHCHECK, read and recorded as Docker's legacy builder does (Dockerfile reference, "HEALTHCHECK").

import type { ContainerConfig } from '../store/index.js';
import { formatGoDuration, goQuote, goQuoteRune, parseGoDuration } from './go-format.js';

// #region parse-healthcheck
export type Healthcheck = NonNullable<ContainerConfig['Healthcheck']>;

/**
 * HEALTHCHECK's arguments as a Healthcheck, with moby's checks and words
 * (`instructions/parse.go`). `json` is the exec form of what follows CMD.
 */
export function parseHealthcheck(flags: Record<string, string>, args: string, json?: string[]): Healthcheck {
  const [, word, rest] = /^(\S+)\s*(.*)$/s.exec(args)!;
  const type = word.toUpperCase();
  if (type === 'NONE') {
    if (rest !== '') throw new Error('HEALTHCHECK NONE takes no arguments');
    return { Test: ['NONE'] };
  }
  if (type !== 'CMD') throw new Error(`Unknown type "${type}" in HEALTHCHECK (try CMD)`);
  const command = json ?? (rest === '' ? [] : [rest]);
  if (command.length === 0) throw new Error('Missing command after HEALTHCHECK CMD');
  const health: Healthcheck = { Test: [json ? 'CMD' : 'CMD-SHELL', ...command] };
  for (const [flag, field] of [['interval', 'Interval'], ['timeout', 'Timeout'], ['start-period', 'StartPeriod']] as const) {
    const value = flags[flag] ? interval(flag, flags[flag]) : 0;
    if (value) health[field] = value;
  }
  if (flags.retries) health.Retries = retries(flags.retries);
  return health;
}

/** A duration flag: Go's syntax, and at least a millisecond. */
function interval(flag: string, text: string): number {
  const ns = parseGoDuration(text);
  if (ns < 1_000_000n) throw new Error(`Interval "${flag}" cannot be less than 1ms`);
  return Number(ns);
}

/** `--retries`: a 32-bit integer, as Go's strconv.ParseInt(s, 10, 32) reads it, and at least 1. */
function retries(text: string): number {
  if (!/^[+-]?\d+$/.test(text)) throw new Error(`strconv.ParseInt: parsing ${goQuote(text)}: invalid syntax`);
  const n = Number(text);
  if (n > 2 ** 31 - 1 || n < -(2 ** 31)) throw new Error(`strconv.ParseInt: parsing ${goQuote(text)}: value out of range`);
  if (n < 1) throw new Error(`--retries must be at least 1 (not ${n})`);
  return n;
}
// #endregion parse-healthcheck

// #region record-healthcheck
/**
 * The history row's text: Go's `%q` of the healthcheck before the merge
 * below — `&{["CMD-SHELL" "curl -f localhost"] "30s" "3s" "0s" '\x03'}`,
 * the retries quoted as a character, a quirk every Docker image carries.
 */
export function healthcheckHistory(health: Healthcheck): string {
  const ns = (value = 0) => goQuote(formatGoDuration(BigInt(value)));
  const test = `[${(health.Test ?? []).map(goQuote).join(' ')}]`;
  return `HEALTHCHECK &{${test} ${ns(health.Interval)} ${ns(health.Timeout)} ${ns(health.StartPeriod)} ${goQuoteRune(health.Retries ?? 0)}}`;
}

/**
 * What the image records. The legacy builder commits each step through the
 * daemon's commit, which fills a new healthcheck's zero fields from the
 * one before (moby `daemon/commit.go`, merge): `HEALTHCHECK NONE` after
 * `HEALTHCHECK --retries=7 CMD x` keeps `"Retries": 7` next to `["NONE"]`.
 */
export function mergeHealthcheck(health: Healthcheck, previous: Healthcheck | undefined | null): Healthcheck {
  const merged: Healthcheck = { Test: health.Test };
  for (const field of ['Interval', 'Timeout', 'StartPeriod', 'Retries'] as const) {
    const value = health[field] || previous?.[field];
    if (value) merged[field] = value;
  }
  return merged;
}
// #endregion record-healthcheck
