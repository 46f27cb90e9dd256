// json-log.ts — Docker's json-file log driver, the writing side.
//
// Everything a container prints goes to its log, whether anyone is
// attached or not: one JSON object a line, {"log","stream","time"}, as
// moby's jsonfilelog writes it, so that `docker logs` — ours or anyone's
// reading the file — finds what it expects. Like moby's log copier, we cut
// output at newlines, keep a line that has not ended yet until it does (a
// prompt printed without "\n" joins the line that completes it), give up
// waiting at 16 KiB, and write whatever is left when the stream ends.

import { writeSync } from 'node:fs';
import { formatTime, nowNs } from './clock.js';

// #region log-writer
export type LogStream = 'stdout' | 'stderr';

/** moby's daemon/logger/copier.go reads 16 KiB at a time; a longer line is logged in pieces. */
const MAX_LINE = 16 * 1024;

export class LogWriter {
  private readonly partial: Record<LogStream, Buffer> = { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) };

  /** `fd`: the log file, opened for appending (a container's log runs on across its restarts). */
  constructor(private readonly fd: number) {}

  /** What the container just wrote on one of its streams. */
  write(stream: LogStream, chunk: Buffer): void {
    let text = Buffer.concat([this.partial[stream], chunk]);
    const entries: string[] = [];
    const time = formatTime(nowNs());
    for (let newline = text.indexOf(10); newline >= 0 || text.length >= MAX_LINE; newline = text.indexOf(10)) {
      const end = newline >= 0 && newline < MAX_LINE ? newline + 1 : MAX_LINE;
      entries.push(entry(text.subarray(0, end), stream, time));
      text = text.subarray(end);
    }
    this.partial[stream] = Buffer.from(text);
    this.append(entries);
  }

  // #endregion log-writer

  // #region log-append
  /** The stream has ended: log what is left of its last line. */
  end(stream: LogStream): void {
    if (this.partial[stream].length) this.append([entry(this.partial[stream], stream, formatTime(nowNs()))]);
    this.partial[stream] = Buffer.alloc(0);
  }

  /**
   * One write(2) for the lines of a chunk, synchronous: a line is on disk
   * before the exit record that follows it, and the shim has nothing better
   * to do meanwhile than wait for a write into the page cache.
   */
  private append(entries: string[]): void {
    if (entries.length) writeSync(this.fd, entries.join(''));
  }
}

/** JSON.stringify of a string decodes the bytes as UTF-8 (invalid sequences become U+FFFD, as in Go). */
function entry(log: Buffer, stream: LogStream, time: string): string {
  return `{"log":${JSON.stringify(log.toString('utf8'))},"stream":"${stream}","time":"${time}"}\n`;
}
// #endregion log-append
