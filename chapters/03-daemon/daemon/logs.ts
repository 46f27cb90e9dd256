// logs.ts — `docker logs` and attach's `logs=1`: the container's json-file log, read back.
//
// The shim writes the log and owns its format, so the reading is the
// shim module's readLogs too. What the daemon adds is when to stop
// following: at the container's next exit, once the shim has written the
// last line (it does before it records the exit).

import type { LogMessage, LogsOptions } from '../api/index.js';
import { readLogs } from '../shim/index.js';
import type { Container } from './container.js';

// #region logs
export async function* containerLogs(c: Container, options: LogsOptions, signal: AbortSignal): AsyncIterable<LogMessage> {
  const running = c.state.Running || c.state.Restarting;
  const follow = options.follow && running ? { until: c.waiters.next('next-exit') } : undefined;
  const entries = readLogs(c.record.LogPath, {
    stdout: options.stdout, stderr: options.stderr, since: options.since, until: options.until, tail: options.tail, follow,
  }, signal);
  for await (const entry of entries) yield { stream: entry.stream, line: entry.log, time: entry.time };
}
// #endregion logs
