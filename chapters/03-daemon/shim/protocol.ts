// protocol.ts — what the daemon and a shim say to each other.
//
// A shim listens on a unix socket, <dir>/shim.sock. A connection starts
// with one line of JSON naming what it is for:
//
// - a control connection sends requests, one JSON object a line with an
//   `id`, and gets one reply a line echoing that id, in whatever order they
//   finish (`wait` answers only when the container has exited);
// - a stream connection (`attach`, `exec`) gets one reply line, and from
//   then on carries raw bytes: what the client writes is the process's
//   stdin, and what it reads is the process's output in Docker's frames
//   (frames.ts). Half-closing the socket is end of input.
//
// Newline-delimited JSON because the control traffic is a handful of small
// messages a container's lifetime, which a person can read with `socat`
// and any language can speak; and a connection of its own per stream,
// because output can be large and slow to read: on its own socket, one
// attacher's backlog never delays a reply to another request.

import type { Socket } from 'node:net';
import { ConflictError, InvalidArgumentError, NotFoundError, RuntimeError, type ContainerId, type ExecProcess } from '../../01-namespaces/index.js';

// #region messages
export interface ShimSpec {
  /** The container's id (chapter 01's checked id). */
  id: ContainerId;
  /** The OCI bundle: config.json written and rootfs mounted beforehand. */
  bundle: string;
  /** Chapter 01's state root. */
  stateRoot: string;
  /** The shim's own directory: shim.sock, shim.pid, exit.json. */
  dir: string;
  /** The json-file log, appended to across runs. */
  logPath: string;
  /** A pty instead of pipes; its output is all stdout. */
  tty: boolean;
  /** The container gets a stdin that attachers write into (otherwise it reads end of file). */
  openStdin: boolean;
  /** Close the container's stdin when the first attached writer ends. */
  stdinOnce: boolean;
  consoleSize?: [rows: number, cols: number];
}

export type ControlRequest =
  | { op: 'create'; spec: ShimSpec }
  | { op: 'info' }
  | { op: 'start' }
  | { op: 'kill'; signal: string | number }
  | { op: 'resize'; rows: number; cols: number; exec?: number }
  | { op: 'wait' }
  | { op: 'wait-exec'; exec: number };

export interface AttachRequest { op: 'attach'; stdin: boolean; stdout: boolean; stderr: boolean }
export interface ExecRequest { op: 'exec'; process: ExecProcess; tty: boolean; stdin: boolean; consoleSize?: [number, number] }

/** An error as it crosses the socket: the class (so the daemon can choose 404, 409 or 400), the text, the exit code. */
export interface WireError { kind: string; message: string; exitCode: number }

export type Reply = { id: number; ok: unknown } | { id: number; error: WireError };
// #endregion messages

// #region wire-errors
const ERROR_KINDS = { NotFoundError, ConflictError, InvalidArgumentError, RuntimeError };

export function toWire(err: unknown): WireError {
  if (err instanceof RuntimeError) return { kind: err.constructor.name in ERROR_KINDS ? err.constructor.name : 'RuntimeError', message: err.message, exitCode: err.exitCode };
  return { kind: 'RuntimeError', message: err instanceof Error ? err.message : String(err), exitCode: 1 };
}

export function fromWire({ kind, message, exitCode }: WireError): RuntimeError {
  const Kind = ERROR_KINDS[kind as keyof typeof ERROR_KINDS] ?? RuntimeError;
  return new Kind(message, exitCode);
}
// #endregion wire-errors

// #region lines
/** Calls `onLine` with each JSON line that arrives; a line that is not JSON ends the connection. */
export function onLines(socket: Socket, onLine: (message: unknown) => void): void {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (text: string) => {
    buffered += text;
    for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      let message: unknown;
      try {
        message = JSON.parse(line);
      } catch {
        socket.destroy();
        return;
      }
      onLine(message);
    }
  });
  socket.resume(); // readFirstLine may have paused it
}

// #endregion lines

// #region first-line
/**
 * The first line of a stream connection, parsed; whatever came after it
 * is put back, so the socket then reads as the raw stream that follows.
 */
export function readFirstLine(socket: Socket): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const newline = buffered.indexOf(10);
      if (newline < 0) return;
      socket.off('data', onData).off('end', onEnd).off('error', reject);
      socket.pause();
      if (newline + 1 < buffered.length) socket.unshift(buffered.subarray(newline + 1));
      try {
        resolve(JSON.parse(buffered.subarray(0, newline).toString('utf8')));
      } catch {
        reject(new RuntimeError('shim protocol: a first line that is not JSON'));
      }
    };
    const onEnd = () => reject(new RuntimeError('shim protocol: the connection ended before its first line'));
    socket.on('data', onData).on('end', onEnd).on('error', reject);
  });
}

export const line = (message: unknown) => JSON.stringify(message) + '\n';
// #endregion first-line
