// attach.ts — a client's streams joined to a container's, now or at its next start.
//
// The shim holds the container's stdio; an attached client gets a stream
// connection to the shim of its own, which carries stdin one way and
// framed output the other. The daemon's part is to join that connection to
// the client's: frames are decoded and each payload written to the
// client's stdout or stderr (which frame it again, or not, as the client's
// API asks), and the client's input is piped into the shim.
//
// `docker run` attaches *before* it starts the container, and may even have
// sent all its stdin and half-closed by then (`printf 'a\nb\n' | docker run
// -i …`). So an attach to a container that is not running waits, as a
// PendingAttach, until start() has a shim to connect it to; the client's
// bytes wait, unread, in its socket — which is exactly a pipe's buffering,
// half-close included.

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
