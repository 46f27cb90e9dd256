// connection.ts — the daemon's end of a shim's socket.
//
// A control connection matches replies to requests by id, so that a
// `wait` that answers only when the container exits does not hold up a
// `kill` sent after it. A stream connection is a socket that, after its
// one reply line, is the process's stdio.

import { connect, type Socket } from 'node:net';
import { RuntimeError } from '../../01-namespaces/index.js';
import { fromWire, line, onLines, readFirstLine, type AttachRequest, type ControlRequest, type ExecRequest, type Reply, type WireError } from './protocol.js';

// #region control-connection
export class ControlConnection {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>();
  /** Resolves when the connection is gone, whoever closed it. */
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    onLines(socket, (message) => {
      const reply = message as Reply;
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if ('error' in reply) waiter?.reject(fromWire(reply.error));
      else waiter?.resolve(reply.ok);
    });
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    void this.closed.then(() => {
      for (const { reject } of this.pending.values()) reject(new ShimGoneError('the shim closed the connection'));
      this.pending.clear();
    });
    socket.on('error', () => socket.destroy());
  }

  /** Connects to a shim's socket; rejects with the system's error (ENOENT, ECONNREFUSED) if none listens. */
  static open(path: string): Promise<ControlConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(path);
      socket.once('error', reject).once('connect', () => {
        socket.off('error', reject);
        resolve(new ControlConnection(socket));
      });
    });
  }

  // #endregion control-connection

  // #region requests
  request<T>(message: ControlRequest): Promise<T> {
    if (this.socket.destroyed) return Promise.reject(new ShimGoneError('the connection to the shim is closed'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.socket.write(line({ ...message, id }));
    });
  }

  /** Whether an open connection keeps this process alive (as sockets do in Node, unless told otherwise). */
  hold(holding: boolean): void {
    if (holding) this.socket.ref();
    else this.socket.unref();
  }

  close(): void {
    this.socket.destroy();
  }
}

/** The shim went away before it answered: not the container's fault, nor the request's. */
export class ShimGoneError extends RuntimeError {}
// #endregion requests

// #region stream-connection
/** Opens a stream connection: resolves with what the shim answered, and the socket that carries the stream from then on. */
export async function openStream(path: string, request: AttachRequest | ExecRequest): Promise<{ socket: Socket; ok: unknown }> {
  const socket = connect({ path, allowHalfOpen: true });
  await new Promise<void>((resolve, reject) => {
    // A shim stops listening once its container has exited.
    const gone = (err: Error) => reject(new ShimGoneError(`no shim answers on ${path} (the container has exited): ${err.message}`));
    socket.once('error', gone).once('connect', () => {
      socket.off('error', gone);
      resolve();
    });
  });
  socket.write(line(request));
  const reply = (await readFirstLine(socket).catch((err: Error) => {
    socket.destroy();
    throw err;
  })) as { ok: unknown } | { error: WireError };
  if ('error' in reply) {
    socket.destroy();
    throw fromWire(reply.error);
  }
  return { socket, ok: reply.ok };
}
// #endregion stream-connection
