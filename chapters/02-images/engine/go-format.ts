// go-format.ts — durations and quoted strings written the way Go's `time` and `strconv` write them.

// #region parse-duration
const NANOSECONDS: Record<string, bigint> = {
  ns: 1n, us: 1_000n, 'µs': 1_000n, 'μs': 1_000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n,
};

/** Go's time.ParseDuration (`1h30m`, `1.5s`, `250ms`, `-2s`), in nanoseconds; its error messages too. */
export function parseGoDuration(text: string): bigint {
  const invalid = () => new Error(`time: invalid duration "${text}"`);
  const sign = text.startsWith('-') ? -1n : 1n;
  let rest = text.replace(/^[-+]/, '');
  if (rest === '0') return 0n;
  if (rest === '') throw invalid();
  let total = 0n;
  while (rest !== '') {
    const m = /^(\d*)(?:\.(\d*))?([^\d.]*)/.exec(rest)!;
    const [whole, int, frac = '', unit] = m;
    if (int === '' && frac === '') throw invalid();
    if (unit === '') throw new Error(`time: missing unit in duration "${text}"`);
    const scale = NANOSECONDS[unit];
    if (scale === undefined) throw new Error(`time: unknown unit "${unit}" in duration "${text}"`);
    // Go keeps the fraction exact to the nanosecond, truncating beyond it.
    total += BigInt(int || '0') * scale + (BigInt(frac || '0') * scale) / 10n ** BigInt(frac.length);
    rest = rest.slice(whole.length);
  }
  if (total > 2n ** 63n - 1n) throw invalid();
  return sign * total;
}
// #endregion parse-duration

// #region format-duration
/** Go's Duration.String(): `1h30m0s`, `1m0s`, `1.5s`, `250ms`, `500µs`, `0s`. */
export function formatGoDuration(ns: bigint): string {
  const sign = ns < 0n ? '-' : '';
  const u = ns < 0n ? -ns : ns;
  if (u === 0n) return '0s';
  if (u < 1_000n) return `${sign}${u}ns`;
  if (u < 1_000_000n) return `${sign}${decimal(u, 3)}µs`;
  if (u < 1_000_000_000n) return `${sign}${decimal(u, 6)}ms`;
  const minutes = u / 60_000_000_000n;
  const seconds = `${decimal(u % 60_000_000_000n, 9)}s`;
  if (minutes === 0n) return `${sign}${seconds}`;
  const hours = minutes / 60n;
  return `${sign}${hours > 0n ? `${hours}h` : ''}${minutes % 60n}m${seconds}`;
}

/** `value / 10^places`, with the fraction's trailing zeros (and a bare point) left out. */
function decimal(value: bigint, places: number): string {
  const scale = 10n ** BigInt(places);
  const fraction = (value % scale).toString().padStart(places, '0').replace(/0+$/, '');
  return `${value / scale}${fraction ? `.${fraction}` : ''}`;
}
// #endregion format-duration

// #region quote
/** Go's strconv.Quote: `"` and `\` escaped, control characters as `\n`, `\x01`… */
export function goQuote(text: string): string {
  return `"${[...text].map((ch) => escapeChar(ch, '"')).join('')}"`;
}

/** Go's `%q` of an integer: the character with that code, quoted as Go quotes a rune (`'A'`, `'\x04'`). */
export function goQuoteRune(code: number): string {
  const valid = code >= 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff);
  return `'${escapeChar(valid ? String.fromCodePoint(code) : '\ufffd', "'")}'`;
}

const ESCAPES: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };

function escapeChar(ch: string, quote: string): string {
  if (ch === quote || ch === '\\') return `\\${ch}`;
  if (ESCAPES[ch]) return ESCAPES[ch];
  const code = ch.codePointAt(0)!;
  if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code >= 0x80 && code < 0xa0) return `\\u${code.toString(16).padStart(4, '0')}`;
  return ch;
}
// #endregion quote
