// clock.ts — wall-clock time to the nanosecond, written as Docker writes it.
//
// Docker stamps every log line, and a container's start and finish, with
// Go's time.RFC3339Nano: "2026-12-06T10:43:59.59785641Z", the fraction to
// nanoseconds with its trailing zeros dropped (and no fraction at all when
// it is zero). JavaScript's Date stops at milliseconds, so we keep time as
// a bigint of nanoseconds: the wall clock read once, then advanced by the
// monotonic clock (process.hrtime), which counts nanoseconds.

// #region clock
const startWall = BigInt(Date.now()) * 1_000_000n;
const startMonotonic = process.hrtime.bigint();

/** Nanoseconds since the Unix epoch. */
export function nowNs(): bigint {
  return startWall + (process.hrtime.bigint() - startMonotonic);
}

/** Go's RFC3339Nano in UTC: seconds as Date prints them, then the nanoseconds without trailing zeros. */
export function formatTime(ns: bigint): string {
  const seconds = ns / 1_000_000_000n;
  const fraction = (ns % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  const date = new Date(Number(seconds) * 1000).toISOString().slice(0, 19); // 2026-12-06T10:43:59
  return `${date}${fraction ? `.${fraction}` : ''}Z`;
}

/** The reverse, for any RFC 3339 time with up to nine digits of fraction; NaN-free: throws on nonsense. */
export function parseTime(text: string): bigint {
  const match = /^(.{19})(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(text);
  const ms = match ? Date.parse(`${match[1]}${match[3]}`) : NaN;
  if (!match || Number.isNaN(ms)) throw new Error(`not an RFC 3339 time: ${JSON.stringify(text)}`);
  return BigInt(ms) * 1_000_000n + BigInt((match[2] ?? '').padEnd(9, '0'));
}

/** Unix seconds with a fraction (the API's `since` and `until`) as nanoseconds. */
export function secondsToNs(seconds: number): bigint {
  const whole = Math.floor(seconds);
  return BigInt(whole) * 1_000_000_000n + BigInt(Math.round((seconds - whole) * 1e9));
}
// #endregion clock
