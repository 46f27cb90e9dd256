// streams.ts — attach and logs: a container's output, streamed.

import { InvalidArgumentError } from '../../../../../01-namespaces/index.js';
import { hijack, type Hijacked } from '../../httputils/hijack.js';
import { boolValue } from '../../httputils/query.js';
import { MULTIPLEXED, RAW, stdFrame, streamWriter } from '../../httputils/stdcopy.js';
import { compareVersions } from '../../middleware/version.js';
import { responseOf, type RouteContext } from '../route.js';
import type { StreamsBackend } from './backend.js';

// #region content-type
/** API 1.42 and later name the framing in the Content-Type; before, every stream was "raw". */
function streamType(multiplexed: boolean, version: string): string {
  return multiplexed && compareVersions(version, '1.42') >= 0 ? MULTIPLEXED : RAW;
}
// #endregion content-type

// #region attach-route
/**
 * The request body is read first (dockerode sends its options as one), and
 * the backend checks the container before anything is written: an unknown
 * container is still a plain 404. Once it asks for the streams, the
 * connection is the container's until the attach is over.
 */
export async function attach(backend: StreamsBackend, ctx: RouteContext): Promise<void> {
  const q = ctx.query;
  const taken: Hijacked = await hijack(ctx);
  let begun = false;
  const wants = { stdin: boolValue(q, 'stdin'), stdout: boolValue(q, 'stdout'), stderr: boolValue(q, 'stderr') };
  try {
    await backend.containerAttach(ctx.params.id!, {
      ...wants, stream: boolValue(q, 'stream'), logs: boolValue(q, 'logs'), signal: ctx.signal,
      streams(multiplexed) {
        begun = true;
        const { input, output } = taken.begin(streamType(multiplexed, ctx.version));
        return {
          stdin: wants.stdin ? input : undefined,
          stdout: streamWriter(output, 'stdout', multiplexed),
          stderr: streamWriter(output, 'stderr', multiplexed),
        };
      },
    });
  } catch (err) {
    if (!begun) throw err;
  }
  taken.end();
}
// #endregion attach-route

// #region logs-route
/**
 * `docker logs`: 200 and the lines, framed unless the container has a
 * terminal; with `follow`, until the container exits or the client goes.
 * Timestamps are written with nine fractional digits, always (moby's
 * RFC3339NanoFixed), though the log keeps Go's shortest form.
 */
export async function logs(backend: StreamsBackend, ctx: RouteContext): Promise<void> {
  const q = ctx.query;
  const stdout = boolValue(q, 'stdout');
  const stderr = boolValue(q, 'stderr');
  if (!stdout && !stderr) throw new InvalidArgumentError('Bad parameters: you must choose at least one stream');
  const { tty, messages } = await backend.containerLogs(ctx.params.id!, {
    stdout, stderr, follow: boolValue(q, 'follow'), tail: tail(q.get('tail')),
    since: unixSeconds(q.get('since'), 'since'), until: unixSeconds(q.get('until'), 'until'),
  }, ctx.signal);
  const timestamps = boolValue(q, 'timestamps');
  const res = responseOf(ctx);
  res.writeHead(200, { 'Content-Type': streamType(!tty, ctx.version) });
  res.flushHeaders();
  for await (const m of messages) {
    const line = timestamps ? Buffer.concat([Buffer.from(`${fixedNano(m.time)} `), m.line]) : m.line;
    if (!res.write(tty ? line : stdFrame(m.stream, line))) await new Promise((resolve) => res.once('drain', resolve).once('close', resolve));
    if (res.destroyed) break;
  }
  res.end();
}

// #endregion logs-route

// #region log-params
/** `all`, absent or negative: every line. */
function tail(text: string | null): number | undefined {
  if (text === null || text === '' || text === 'all') return undefined;
  const n = Number(text);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`invalid value for "tail": ${JSON.stringify(text)}`);
  return n < 0 ? undefined : n;
}

/** The CLI sends times as `seconds.nanoseconds` (it converts `10m` and RFC 3339 itself); 0 means unset. */
function unixSeconds(text: string | null, name: string): number | undefined {
  if (text === null || text === '') return undefined;
  if (!/^-?\d+(\.\d+)?$/.test(text)) throw new InvalidArgumentError(`invalid value for "${name}": ${JSON.stringify(text)}`);
  const seconds = Number(text);
  return seconds === 0 ? undefined : seconds;
}

/** `…:45.5Z` → `…:45.500000000Z`. */
export function fixedNano(time: string): string {
  return time.replace(/(\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/, (_, hms: string, frac = '') => `${hms}.${frac.padEnd(9, '0').slice(0, 9)}Z`);
}
// #endregion log-params
