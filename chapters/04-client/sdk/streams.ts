// streams.ts — a container's output, framed or raw, and the two-way stream of attach and exec.

import type { Duplex, Readable, Writable } from 'node:stream';
import { once } from 'node:events';
import { demultiplex, frames, type Frame } from './stdcopy.js';
import { compareVersions } from './version.js';

// #region content-types
const MULTIPLEXED = 'application/vnd.docker.multiplexed-stream';
const RAW = 'application/vnd.docker.raw-stream';

/** Whether the Content-Type settles that the stream is framed; undefined when it cannot (before 1.42). */
export function framedByContentType(contentType: string, apiVersion: string): boolean | undefined {
  if (contentType.startsWith(MULTIPLEXED)) return true;
  // Before 1.42 every attach said raw-stream, framed or not: trust it only from then on.
  if (contentType.startsWith(RAW) && compareVersions(apiVersion, '1.42') >= 0) return false;
  return undefined;
}
// #endregion content-types

// #region container-output
/** The output of a container or exec: framed stdout/stderr, or a terminal's raw bytes. */
export class ContainerOutput {
  constructor(
    /** The bytes as they come off the wire. */
    readonly stream: Readable,
    /** True when the bytes are stdcopy frames (no terminal). */
    readonly multiplexed: boolean,
  ) {}

  /** Copies stdout and stderr to their places until the stream ends. */
  async copyTo(stdout: Writable, stderr: Writable): Promise<void> {
    if (this.multiplexed) return demultiplex(this.stream, stdout, stderr);
    for await (const chunk of this.stream) if (!stdout.write(chunk)) await once(stdout, 'drain');
  }

  /** The output as frames; a terminal's bytes all count as stdout. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Frame> {
    if (this.multiplexed) return yield* frames(this.stream);
    for await (const chunk of this.stream) yield { stream: 'stdout', payload: chunk as Buffer };
  }

  /** All output, collected: for short-lived commands and tests. */
  async collect(): Promise<{ stdout: string; stderr: string }> {
    const out = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
    for await (const frame of this) if (frame.stream === 'stdout' || frame.stream === 'stderr') out[frame.stream].push(frame.payload);
    return { stdout: Buffer.concat(out.stdout).toString('utf8'), stderr: Buffer.concat(out.stderr).toString('utf8') };
  }
}
// #endregion container-output

// #region attach-session
/**
 * A hijacked connection: output comes in as a ContainerOutput, and what is
 * written to `stdin` reaches the process. `closeStdin()` half-closes the
 * socket (TCP FIN, `CloseWrite` in the Go client): the process reads EOF,
 * while its remaining output still flows back until it exits.
 */
export class AttachSession extends ContainerOutput {
  constructor(readonly socket: Duplex, multiplexed: boolean) {
    super(socket, multiplexed);
  }

  /** Where the process's stdin comes from. */
  get stdin(): Writable {
    return this.socket;
  }

  /** No more input: the process sees end of file on stdin. */
  closeStdin(): void {
    this.socket.end();
  }

  /** Drops the connection, both ways (the container keeps running). */
  close(): void {
    this.socket.destroy();
  }
}
// #endregion attach-session
