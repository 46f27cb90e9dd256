// sync-pipe.ts — how the runtime and its init talk before the container exists.

import { readSync, writeSync } from 'node:fs';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { SeccompFilter } from './seccomp/index.js';
import type { NamespaceType, ProcessSpec, Spec } from './spec.js';
import type { OciState } from './state.js';

// #region messages
/** The descriptor number init finds the sync socket on. */
export const SYNC_FD = 3;

/** What the parent sends init to make a new container. */
export interface ContainerInitConfig {
  kind: 'container';
  spec: Spec;
  /** Absolute paths on the host. */
  bundle: string;
  rootfs: string;
  /** <state dir>/exec.fifo: init blocks on it until `start`. */
  fifo: string;
  /** The files to write "0" into to join the cgroup, and what to show at /sys/fs/cgroup. */
  cgroupJoin: string[];
  cgroupMounts: { name: string; dir: string }[];
  /** linux.seccomp, compiled by the parent: init only loads it. */
  seccomp?: SeccompFilter;
  /** The state the hooks init runs get on their stdin. */
  state: OciState;
  /** Started in a user namespace: the handshake of user-namespace.ts, and the cgroup joined by the parent. */
  userNamespace?: boolean;
}
// #endregion messages

// #region exec-init-config
/** What the parent sends init to run one more process in a running container. */
export interface ExecInitConfig {
  kind: 'exec';
  /** Host pid of the container's PID 1, whose namespaces we join. */
  pid: number;
  namespaces: NamespaceType[];
  process: ProcessSpec;
  cgroupJoin: string[];
  /** The container's seccomp filter: an exec'd process gets it too. */
  seccomp?: SeccompFilter;
  userNamespace?: boolean;
}

export type InitConfig = ContainerInitConfig | ExecInitConfig;
// #endregion exec-init-config

// #region init-messages
/** What init answers. */
export type InitMessage =
  /** `console`: init's descriptor of the pty master, to be copied with pidfd_getfd. */
  | { type: 'ready'; console?: number }
  /** Mounts made, pivot_root not yet: time for the prestart and createRuntime hooks, then answer. */
  | { type: 'hooks' }
  /** In our user namespace, with this pid on the host: write the maps, then answer. */
  | { type: 'userns'; pid: number }
  /** Put us in the container's cgroup, then answer: a user namespace's root may not write there. */
  | { type: 'join-cgroup' }
  | { type: 'error'; message: string; exitCode: number };
// #endregion init-messages

// #region init-side
/** Init: read one line of JSON from the parent (blocking). */
export function receiveSync<T>(fd = SYNC_FD): T {
  const chunks: Buffer[] = [];
  const buf = Buffer.alloc(65536);
  for (;;) {
    const n = readSync(fd, buf, 0, buf.length, null);
    if (n === 0) throw new Error('the runtime closed the sync pipe before sending a configuration');
    const newline = buf.subarray(0, n).indexOf(10);
    chunks.push(Buffer.from(buf.subarray(0, newline >= 0 ? newline : n)));
    if (newline >= 0) return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
  }
}

/** Init: tell the parent how set-up went. */
export function sendSync(message: InitMessage, fd = SYNC_FD): void {
  writeSync(fd, JSON.stringify(message) + '\n');
}
// #endregion init-side

// #region parent-side
/** Parent: the other end of fd 3, as a socket from `child.stdio[3]`. */
export class SyncPipe {
  private buffered = '';
  private waiting: ((message: InitMessage | null) => void)[] = [];
  private queue: (InitMessage | null)[] = [];
  private closed = false;

  constructor(private readonly socket: Duplex) {
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      this.buffered += text;
      let newline: number;
      while ((newline = this.buffered.indexOf('\n')) >= 0) {
        this.push(JSON.parse(this.buffered.slice(0, newline)) as InitMessage);
        this.buffered = this.buffered.slice(newline + 1);
      }
    });
    socket.on('close', () => this.push(null));
    socket.on('error', () => this.push(null));
  }

  private push(message: InitMessage | null): void {
    if (this.closed) return;
    if (message === null) this.closed = true;
    const waiter = this.waiting.shift();
    if (waiter) waiter(message);
    else this.queue.push(message);
  }
  // #endregion parent-side

  // #region parent-send
  send(config: unknown): void {
    this.socket.write(JSON.stringify(config) + '\n');
  }

  /** The next message from init, or null once init has closed its end (it exec'd or died). */
  next(): Promise<InitMessage | null> {
    if (this.queue.length) return Promise.resolve(this.queue.shift()!);
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Done talking: flush what we sent, and let this process exit without waiting for init. */
  close(): void {
    const socket = this.socket as Socket;
    socket.end();
    socket.unref();
  }
}
// #endregion parent-send
