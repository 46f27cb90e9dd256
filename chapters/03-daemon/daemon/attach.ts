// attach.ts — a client's streams joined to a container's, now or at its next start.

import { pipeline } from 'node:stream/promises';
import { Writable, type Readable } from 'node:stream';
import { FrameDecoder, STDERR, type Frame, type Shim } from '../shim/index.js';
import type { ClientStreams } from '../api/index.js';
import type { PendingAttach } from './container.js';

// #region attach-session
export interface AttachWants {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

/** One attached client: its streams, joined to one run of the container. */
export class AttachSession implements PendingAttach {
  private finish!: () => void;
  /** Resolves when the run's output has ended (or the client went away). */
  readonly done = new Promise<void>((resolve) => (this.finish = resolve));
  private io?: import('node:stream').Duplex;

  constructor(private readonly client: ClientStreams, private readonly wants: AttachWants, signal: AbortSignal) {
    signal.addEventListener('abort', () => {
      this.io?.destroy();
      this.finish();
    }, { once: true });
    // Input nobody will read is still drained, so that a client that hangs up is noticed.
    if (client.stdin && !wants.stdin) client.stdin.resume();
  }

  async connect(shim: Shim): Promise<void> {
    const stdin = this.wants.stdin && this.client.stdin !== undefined;
    const io = await shim.attach({ stdin, stdout: this.wants.stdout, stderr: this.wants.stderr });
    this.io = io;
    if (stdin) pipeInput(this.client.stdin!, io);
    else io.end();
    void pipeline(io, new FrameDecoder(), frameSink(this.client)).catch(() => {}).finally(() => this.finish());
  }

  cancel(): void {
    this.finish();
  }
}
// #endregion attach-session

// #region frame-sink
/** Each frame's payload to the client's stdout or stderr, one write finished before the next. */
export function frameSink(client: ClientStreams): Writable {
  return new Writable({
    objectMode: true,
    write({ stream, payload }: Frame, _encoding, done) {
      (stream === STDERR ? client.stderr : client.stdout).write(payload, () => done());
    },
  });
}

/** The client's input into the shim; its end (a half-close) is the container's EOF. */
function pipeInput(input: Readable, io: import('node:stream').Duplex): void {
  input.on('error', () => io.end());
  input.pipe(io);
}
// #endregion frame-sink
