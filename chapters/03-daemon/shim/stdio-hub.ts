// stdio-hub.ts — one process's stdio, shared between its log and its clients.
//
// The container writes whether or not anyone listens. Every chunk goes to
// the log (when there is one: an exec's output is not logged, as in
// Docker), and to each attached client that asked for that stream, in
// Docker's frames. Clients come and go; what was printed while nobody was
// attached is in the log only. A client that reads slowly holds the
// container back, as Docker's attach does: when a socket's buffer is full
// we stop reading the container's pipes until it drains, and the kernel in
// turn blocks the container's writes. (The alternative, buffering without
// bound in the shim, trades a slow client for an unbounded shim.)

import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { frame, STDERR, STDOUT } from './frames.js';
import type { LogStream, LogWriter } from './json-log.js';

// #region hub
export interface Client {
  socket: Socket;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

export interface HubOptions {
  /** The process's output: with a terminal, one stream, all of it stdout. */
  sources: { stream: LogStream; readable: Readable }[];
  /** The process's stdin, if it has one clients may write into. */
  stdin?: Writable;
  /** End the process's stdin when the first client that wrote to it ends its input (Docker's StdinOnce). */
  stdinOnce: boolean;
  log?: LogWriter;
}

// #endregion hub

// #region pump
export class StdioHub {
  private readonly clients = new Set<Client>();
  private readonly blocked = new Set<Socket>();
  private closed = false;
  /** Resolves once every source has ended and its last line is logged. */
  readonly drained: Promise<void>;

  constructor(private readonly options: HubOptions) {
    options.stdin?.on('error', () => {}); // EPIPE once the process is gone: nobody left to tell
    this.drained = Promise.all(options.sources.map((source) => this.pump(source))).then(() => {});
  }

  private pump({ stream, readable }: HubOptions['sources'][number]): Promise<void> {
    const number = stream === 'stdout' ? STDOUT : STDERR;
    readable.on('data', (chunk: Buffer) => {
      this.options.log?.write(stream, chunk);
      for (const client of this.clients) {
        if (client[stream] && !client.socket.write(frame(number, chunk))) this.block(client.socket);
      }
    });
    return new Promise<void>((resolve) => {
      let ended = false;
      const done = () => {
        if (ended) return;
        ended = true;
        this.options.log?.end(stream);
        resolve();
      };
      readable.once('end', done).once('error', () => readable.destroy()).once('close', done);
    });
  }
  // #endregion pump

  // #region backpressure
  private block(socket: Socket): void {
    if (this.blocked.has(socket)) return;
    if (this.blocked.size === 0) for (const { readable } of this.options.sources) readable.pause();
    this.blocked.add(socket);
    const unblock = () => {
      socket.off('drain', unblock).off('close', unblock);
      this.blocked.delete(socket);
      if (this.blocked.size === 0) for (const { readable } of this.options.sources) readable.resume();
    };
    socket.on('drain', unblock).on('close', unblock);
  }
  // #endregion backpressure

  // #region attach
  /** A new client: output from now on, and its input into the process's stdin if both sides want that. */
  add(client: Client): void {
    if (this.closed) {
      client.socket.end();
      return;
    }
    this.clients.add(client);
    client.socket.on('close', () => this.clients.delete(client));
    client.socket.on('error', () => client.socket.destroy());
    const stdin = client.stdin ? this.options.stdin : undefined;
    if (!stdin) {
      client.socket.resume(); // read and drop, to notice when it goes
      return;
    }
    client.socket.on('data', (chunk: Buffer) => {
      if (!stdin.writableEnded && !stdin.write(chunk)) {
        client.socket.pause();
        stdin.once('drain', () => client.socket.resume());
      }
    });
    client.socket.on('end', () => {
      if (this.options.stdinOnce && !stdin.writableEnded) stdin.end();
    });
    client.socket.resume();
  }

  // #endregion attach

  // #region close
  /**
   * The process is gone and its output drained: end every client's stream
   * once what it has been sent is written. Resolves when no client still
   * has output to read from us.
   */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.clients].map(({ socket }) => new Promise<void>((resolve) => {
      if (socket.destroyed) return resolve();
      socket.once('close', () => resolve());
      socket.end(() => {
        socket.destroy(); // our half is done; the client may keep its own half open for ever
        resolve();
      });
    })));
  }
}
// #endregion close
