// netns-sockets.ts — the daemon's side of the helper: "a UDP socket and a TCP listener on this address, inside that process's network namespace".

import { fork, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:dgram';
import { existsSync } from 'node:fs';
import type { Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { RuntimeError } from '../../01-namespaces/index.js';

// #region netns-protocol
/** What the daemon asks: sockets on ADDRESS:PORT in the network namespace of process PID. */
export interface OpenRequest {
  id: number;
  pid: number;
  address: string;
  port: number;
}

/** One reply per socket, each carrying its handle; or one saying why there are none. */
export type OpenReply = { id: number; kind: 'udp' | 'tcp' } | { id: number; error: string };

export interface NamespaceSockets {
  udp: Socket;
  tcp: Server;
}

/** The compiled helper next to this file; from TypeScript sources (tests), through tsx. */
function helperModule(): { path: string; execArgv: string[] } {
  const compiled = fileURLToPath(new URL('./netns-sockets-main.js', import.meta.url));
  if (existsSync(compiled)) return { path: compiled, execArgv: [] };
  return { path: fileURLToPath(new URL('./netns-sockets-main.ts', import.meta.url)), execArgv: ['--import', import.meta.resolve('tsx')] };
}
// #endregion netns-protocol

// #region netns-sockets
interface Pending {
  resolve: (s: NamespaceSockets) => void;
  reject: (err: Error) => void;
  got: Partial<NamespaceSockets>;
}

/**
 * One helper for the daemon's whole life, not one per container: a Node
 * process with the FFI library costs half a second to start here, a
 * request to a running one about a millisecond (bench/embedded-dns.ts). It
 * does not keep the daemon alive, and it dies with the daemon (its IPC
 * channel closes).
 */
export class NetnsSockets {
  private helper: ChildProcess | undefined;
  private readonly pending = new Map<number, Pending>();
  private next = 1;

  open(pid: number, address: string, port: number): Promise<NamespaceSockets> {
    const helper = this.start();
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, got: {} });
      helper.send({ id, pid, address, port } satisfies OpenRequest);
    });
  }

  /** Starts the helper if it is not running; the daemon calls it early, so that no container waits for a Node process to boot. */
  start(): ChildProcess {
    if (this.helper) return this.helper;
    const { path, execArgv } = helperModule();
    const helper = fork(path, [], { execArgv, env: {}, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    helper.on('message', (reply: OpenReply, handle?: Socket | Server) => this.received(reply, handle));
    helper.on('exit', () => this.lost(helper));
    helper.unref();
    (helper.channel as { unref?: () => void } | undefined)?.unref?.();
    this.helper = helper;
    return helper;
  }
  // #endregion netns-sockets

  // #region netns-replies
  private received(reply: OpenReply, handle?: Socket | Server): void {
    const p = this.pending.get(reply.id);
    if (!p) return void handle?.close();
    if ('error' in reply) {
      this.pending.delete(reply.id);
      return p.reject(new RuntimeError(`sockets in the container's network namespace: ${reply.error}`));
    }
    if (reply.kind === 'udp') p.got.udp = handle as Socket;
    else p.got.tcp = handle as Server;
    if (p.got.udp && p.got.tcp) {
      this.pending.delete(reply.id);
      p.resolve({ udp: p.got.udp, tcp: p.got.tcp });
    }
  }

  /** A helper that died fails what it had not answered; the next request starts another. */
  private lost(helper: ChildProcess): void {
    if (this.helper === helper) this.helper = undefined;
    for (const [id, p] of this.pending) {
      p.got.udp?.close();
      p.got.tcp?.close();
      p.reject(new RuntimeError('the helper that opens sockets in network namespaces exited'));
      this.pending.delete(id);
    }
  }

  close(): void {
    this.helper?.kill();
  }
}
// #endregion netns-replies
