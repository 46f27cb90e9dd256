// client.ts — a shim as the daemon sees it.
//
// One control connection per Shim object; attach and exec open stream
// connections of their own. Everything here survives the daemon's view of
// things being lost: a restarted daemon calls connectShim and gets the
// same object back, for the same container, still running.

import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { ConflictError, RuntimeError, type ExecProcess } from '../../01-namespaces/index.js';
import { ShimGoneError, openStream, type ControlConnection } from './connection.js';
import { readExit, type ExitRecord } from './exit-record.js';

// #region shim-interface
export interface Shim {
  /** The container's PID 1 as the host sees it. */
  readonly pid: number;
  /** Lets the program run (chapter 01's start). */
  start(): Promise<void>;
  /**
   * A duplex per attached client. Writes are the container's stdin (end()
   * is its EOF when the container has stdinOnce); reads are Docker frames
   * (frames.ts) of what it prints from now on. Ends once the container has
   * exited and its output is drained. May come before start().
   */
  attach(options: { stdin: boolean; stdout: boolean; stderr: boolean }): Promise<Duplex>;
  resize(rows: number, cols: number): Promise<void>;
  kill(signal: string | number): Promise<void>;
  /** Resolves once exit.json is written. */
  readonly exited: Promise<ExitRecord>;
  /** Runs a process in the running container (chapter 01's exec), owned by the shim. */
  exec(proc: ExecProcess, options: { tty: boolean; stdin: boolean; consoleSize?: [number, number] }): Promise<ShimExec>;
  /** Drops this connection; the shim and the container go on. */
  close(): void;
}

export interface ShimExec {
  readonly pid: number;
  /** Same framing as attach; for a program that cannot start, Docker's error text as one stdout frame. */
  readonly io: Duplex;
  resize(rows: number, cols: number): Promise<void>;
  /** The exit code (126/127 for a program that cannot start), settled before `io` ends. */
  readonly exited: Promise<number>;
}
// #endregion shim-interface

// #region client
export class ShimClient implements Shim {
  readonly exited: Promise<ExitRecord>;
  private dropped = false;

  constructor(private readonly dir: string, private readonly control: ControlConnection, readonly pid: number) {
    control.hold(true); // a warm shim's connection did not, while it waited in the pool
    this.exited = control.request<ExitRecord>({ op: 'wait' }).catch((err) => this.exitAfterLoss(err));
    this.exited.catch(() => {}); // a daemon that never asks must not crash on an unhandled rejection
  }

  /**
   * The connection ended before the shim said how the container ended:
   * perhaps it wrote exit.json and left meanwhile. If not, the shim died,
   * and nobody can know (the container, orphaned, may even still run).
   */
  private exitAfterLoss(err: unknown): Promise<ExitRecord> {
    if (this.dropped) return new Promise(() => {}); // we hung up ourselves: nothing to report, ever
    const record = readExit(this.dir);
    if (record) return Promise.resolve(record);
    return Promise.reject(err instanceof ShimGoneError ? new RuntimeError(`the shim in ${this.dir} is gone without recording an exit`) : err);
  }
  // #endregion client

  // #region client-verbs

  private get socketPath(): string {
    return join(this.dir, 'shim.sock');
  }

  /**
   * A shim leaves soon after its container exits. A request that finds it
   * gone, with the exit recorded, is a request to a container that is not
   * running — which is what Docker would say (409), not that the shim is gone.
   */
  private async whileRunning<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (err) {
      if (err instanceof ShimGoneError && readExit(this.dir)) throw new ConflictError(`the container of ${this.dir} is not running`);
      throw err;
    }
  }

  start = () => this.whileRunning(() => this.control.request<void>({ op: 'start' })).then(() => {});
  kill = (signal: string | number) => this.whileRunning(() => this.control.request<void>({ op: 'kill', signal })).then(() => {});
  resize = (rows: number, cols: number) => this.whileRunning(() => this.control.request<void>({ op: 'resize', rows, cols })).then(() => {});

  async attach(options: { stdin: boolean; stdout: boolean; stderr: boolean }): Promise<Duplex> {
    const { socket } = await this.whileRunning(() => openStream(this.socketPath, { op: 'attach', ...options }));
    return socket;
  }
  // #endregion client-verbs

  // #region client-exec
  async exec(proc: ExecProcess, options: { tty: boolean; stdin: boolean; consoleSize?: [number, number] }): Promise<ShimExec> {
    const { socket, ok } = await this.whileRunning(() => openStream(this.socketPath, { op: 'exec', process: proc, ...options }));
    const { pid, exec } = ok as { pid: number; exec: number };
    const exited = this.control.request<number>({ op: 'wait-exec', exec });
    exited.catch(() => {});
    return {
      pid,
      io: endAfter(socket, exited),
      exited,
      resize: (rows, cols) => this.control.request<void>({ op: 'resize', rows, cols, exec }).then(() => {}),
    };
  }

  close(): void {
    this.dropped = true;
    this.control.close();
  }
}
// #endregion client-exec

// #region end-after
/**
 * The socket as a duplex whose end waits for `first` to settle. The exit
 * code travels on the control connection and the output on its own; two
 * sockets promise no order between them, so we make one: whoever sees the
 * output end can ask for the exit code and have it.
 */
function endAfter(socket: Socket, first: Promise<unknown>): Duplex {
  const io = new Duplex({
    read: () => void socket.resume(),
    write: (chunk: Buffer, _encoding, done) => void socket.write(chunk, done),
    final: (done) => void socket.end(done),
    destroy: (err, done) => {
      socket.destroy();
      done(err);
    },
  });
  socket.on('data', (chunk: Buffer) => {
    if (!io.push(chunk)) socket.pause();
  });
  const end = () => void io.push(null);
  socket.on('end', () => void first.then(end, end));
  socket.on('error', (err) => io.destroy(err));
  return io;
}
// #endregion end-after
