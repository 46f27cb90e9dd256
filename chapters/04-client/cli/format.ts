// format.ts — output shaped like the docker CLI's: tables, sizes, times, ids.
//
// Scripts and eyes are used to Docker's output, so these follow the Go
// libraries that produce it: tables aligned by text/tabwriter (minimum cell
// width 10, padding 3, as cli/command/formatter sets it up), sizes and
// durations as docker/go-units writes them, ids cut to 12 characters.

import { asStruct, parseTemplate, render, TemplateError } from './template.js';

// #region tabwriter
/** Lays out tab-separated lines like `tabwriter.NewWriter(out, 10, 1, 3, ' ', 0)`: the last cell of a line is never padded. */
export function tabwrite(lines: string[], minWidth = 10, padding = 3): string {
  const rows = lines.map((line) => line.split('\t'));
  const columns = Math.max(0, ...rows.map((r) => r.length - 1));
  const widths = Array.from({ length: columns }, (_, col) =>
    Math.max(minWidth, ...rows.filter((r) => col < r.length - 1).map((r) => [...r[col]!].length + padding)));
  return rows.map((r) => r.map((cell, col) => (col < r.length - 1 ? cell + ' '.repeat(widths[col]! - [...cell].length) : cell)).join('') + '\n').join('');
}
// #endregion tabwriter

// #region units
/** `4.26MB`: decimal units, three significant digits by default (go-units HumanSizeWithPrecision; HumanSize is 4). */
export function humanSize(bytes: number, precision = 3): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${Number(value.toPrecision(precision))}${units[unit]}`;
}

/** `12.5MiB`: binary units, as `stats` and `info` print memory (go-units BytesSize). */
export function bytesSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number(value.toPrecision(4))}${units[unit]}`;
}

// #endregion units

// #region durations
/**
 * `2 minutes`, `About an hour` (go-units HumanDuration). Chapter 02's engine
 * has the same table; the client does not import the engine, whose image
 * store every command's start-up would then load, so it is written again.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const minutes = Math.floor(ms / 60_000);
  const hours = Math.round(ms / 3_600_000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(hours / 24 / 365)} years`;
}

/** `5 minutes ago`, from seconds since the epoch. */
export const ago = (unixSeconds: number, now = Date.now()): string => `${humanDuration(now - unixSeconds * 1000)} ago`;

/** The 12-character short id, without `sha256:`. */
export const shortId = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12);
// #endregion durations

// #region go-times
/** Go's time.Time.String()-like local time docker prints for CreatedAt: `2026-12-06 12:01:26 +0000 UTC`. */
export function goTime(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getUTCFullYear()}-${p(date.getUTCMonth() + 1)}-${p(date.getUTCDate())} ${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())} +0000 UTC`;
}

/**
 * An RFC 3339 time as the daemon sent it, printed as Go's time.Time.String()
 * would after parsing it: every digit of the fraction kept (a JS Date holds
 * milliseconds only), trailing zeros dropped. `2026-12-06T17:07:56.4540Z` →
 * `2026-12-06 17:07:56.454 +0000 UTC`.
 */
export function goTimeText(text: string): string {
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(text);
  if (!m) return text;
  const fraction = (m[3] ?? '').slice(0, 9).replace(/0+$/, '');
  const zone = m[4] === 'Z' ? '+0000 UTC' : `${m[4]!.replace(':', '')} ${m[4]!.replace(':', '')}`;
  return `${m[1]} ${m[2]}${fraction ? `.${fraction}` : ''} ${zone}`;
}
// #endregion go-times

// #region natural-order
/**
 * `net2` before `net10`: runs of digits compare as numbers, the rest byte
 * by byte — the order of the sortorder package the docker CLI sorts
 * networks and volumes with.
 */
export function naturalLess(a: string, b: string): boolean {
  const chunks = (s: string) => s.match(/\d+|\D+/g) ?? [];
  const [x, y] = [chunks(a), chunks(b)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const [p, q] = [x[i]!, y[i]!];
    if (p === q) continue;
    if (/^\d/.test(p) && /^\d/.test(q)) {
      const [u, v] = [p.replace(/^0+/, ''), q.replace(/^0+/, '')];
      if (u.length !== v.length) return u.length < v.length;
      if (u !== v) return u < v;
      return p.length < q.length;
    }
    return p < q;
  }
  return x.length < y.length;
}
// #endregion natural-order

// #region format-rows
/**
 * Prints rows with a `--format`: `table …` (a header, then aligned columns),
 * `json` (one JSON object a line), or a plain template (one line a row).
 * `headers` names each field for the table's header, as docker's contexts do.
 */
export function formatRows(format: string, rows: object[], headers: Record<string, string | ((key: string) => string)>): string {
  if (format === 'json') format = '{{json .}}';
  const isTable = format.startsWith('table');
  const body = isTable ? format.slice(5).trimStart() : format;
  const template = parseTemplate(body.replace(/\\t/g, '\t').replace(/\\n/g, '\n'));
  const lines = rows.map((row) => render(template, asStruct(row)));
  if (!isTable) return lines.map((l) => `${l}\n`).join('');
  const header = render(template, asStruct(headerRow(headers)));
  return tabwrite([header, ...lines]);
}

/**
 * A row whose every field renders as its column header. Methods too:
 * `{{.Label "x"}}` heads a column of containers LABEL; networks and volumes
 * have no such header in docker, and the method itself answers: `x`.
 */
function headerRow(headers: Record<string, string | ((key: string) => string)>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(headers).map(([field, title]) => [field, title]));
}

export { TemplateError };
// #endregion format-rows
