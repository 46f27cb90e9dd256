// log-reader.ts — Docker's json-file log driver, the reading side.
//
// `docker logs` is a query over the file the shim writes: the last N
// lines (--tail), a time window (--since, --until), one stream or both,
// and with --follow, what the container prints from then on, until it
// exits. The file is only ever appended to, by one writer, in whole
// lines, so a reader needs no lock: it reads up to the end it sees, and
// keeps the last line back until its newline has arrived.

import { watch, type FSWatcher } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { parseTime, secondsToNs } from './clock.js';
import type { LogStream } from './json-log.js';

// #region query
export interface LogEntry {
  stream: LogStream;
  /** The bytes as logged, newline included (a line cut at 16 KiB, or the last one, may have none). */
  log: Buffer;
  /** As written: RFC 3339 with nanoseconds. */
  time: string;
}

export interface LogQuery {
  stdout: boolean;
  stderr: boolean;
  /** Unix seconds, fractional: entries at or after it. */
  since?: number;
  /** Entries at or before it. */
  until?: number;
  /** The last N lines of the file, before the other filters (as Docker counts them); undefined for all. */
  tail?: number;
  /** Keep reading new lines until `until` settles (the container exited), then read to the end and stop. */
  follow?: { until: Promise<unknown> };
}
// #endregion query

// #region read-logs
export async function* readLogs(logPath: string, query: LogQuery, signal?: AbortSignal): AsyncIterable<LogEntry> {
  const since = query.since === undefined ? undefined : secondsToNs(query.since);
  const until = query.until === undefined ? undefined : secondsToNs(query.until);
  const wanted = (entry: LogEntry) => {
    if (!query[entry.stream]) return false;
    const time = parseTime(entry.time);
    return (since === undefined || time >= since) && (until === undefined || time <= until);
  };
  let file: FileHandle;
  try {
    file = await open(logPath, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // nothing was ever logged
    throw err;
  }
  const changes = query.follow ? new Changes(logPath, query.follow.until, signal) : undefined;
  try {
    const lines = new LineReader(file, query.tail === undefined ? 0 : await tailOffset(file, query.tail));
    for (;;) {
      // Seen before reading: a change that lands while we read is not lost.
      const finished = changes?.finished ?? true;
      for await (const entry of lines.readToEnd()) if (wanted(entry)) yield entry;
      if (finished || signal?.aborted) return;
      await changes!.next();
    }
  } finally {
    changes?.close();
    await file.close();
  }
}
// #endregion read-logs

// #region tail
/** Where the last `count` lines begin: read backwards from the end, 64 KiB at a time, counting newlines. */
async function tailOffset(file: FileHandle, count: number): Promise<number> {
  const { size } = await file.stat();
  if (count <= 0) return size;
  const buf = Buffer.alloc(64 * 1024);
  let newlines = 0;
  for (let position = size; position > 0; ) {
    const length = Math.min(buf.length, position);
    position -= length;
    await file.read(buf, 0, length, position);
    for (let i = length - 1; i >= 0; i--) {
      // The file's own last newline ends the last line; the one before it ends the line before.
      if (buf[i] === 10 && position + i !== size - 1 && ++newlines === count) return position + i + 1;
    }
  }
  return 0;
}
// #endregion tail

// #region line-reader
/** Whole lines from an offset on, parsed; a line without its newline yet waits for the next read. */
class LineReader {
  private rest = Buffer.alloc(0);

  constructor(private readonly file: FileHandle, private position: number) {}

  async *readToEnd(): AsyncIterable<LogEntry> {
    const buf = Buffer.alloc(64 * 1024);
    for (;;) {
      const { bytesRead } = await this.file.read(buf, 0, buf.length, this.position);
      if (bytesRead === 0) return;
      this.position += bytesRead;
      let text = Buffer.concat([this.rest, buf.subarray(0, bytesRead)]);
      for (let newline = text.indexOf(10); newline >= 0; newline = text.indexOf(10)) {
        const { log, stream, time } = JSON.parse(text.subarray(0, newline).toString('utf8')) as { log: string; stream: LogStream; time: string };
        yield { log: Buffer.from(log, 'utf8'), stream, time };
        text = text.subarray(newline + 1);
      }
      this.rest = Buffer.from(text);
    }
  }
}
// #endregion line-reader

// #region changes
/**
 * Wakes a follower when the file grows (inotify, through fs.watch), when
 * the container has exited, or when the reader gives up; and every half
 * second regardless, since a watch can miss what a poll cannot.
 */
class Changes {
  finished = false;
  private wake?: () => void;
  private readonly watcher: FSWatcher;

  constructor(path: string, until: Promise<unknown>, signal?: AbortSignal) {
    this.watcher = watch(path, () => this.wake?.());
    const finish = () => {
      this.finished = true;
      this.wake?.();
    };
    void until.then(finish, finish);
    signal?.addEventListener('abort', finish, { once: true });
  }

  next(): Promise<void> {
    if (this.finished) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wake?.(), 500);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }

  close(): void {
    this.watcher.close();
  }
}
// #endregion changes
