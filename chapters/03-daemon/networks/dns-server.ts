// dns-server.ts — a container's own DNS server, on 127.0.0.11 in its namespace: the containers of its networks by name, short id and alias.

import { createSocket } from 'node:dgram';
import type { Socket as TcpSocket } from 'node:net';
import { answer, parseQuery, RCODE, TYPE_A, type Question } from './dns-message.js';
import type { NameTable } from './name-table.js';
import type { NamespaceSockets } from './netns-sockets.js';

// #region dns-server
/** Where Docker's embedded resolver answers, in every container on a user-defined network. */
export const EMBEDDED_DNS = '127.0.0.11';

/**
 * Serves one container, on sockets opened in its namespace (netns-sockets):
 * the daemon reads and answers them, but the container is the only one who
 * can reach them, so every query is the container's own. A name the table
 * knows on the container's networks gets its A records; an unknown name is
 * forwarded to the container's `--dns` servers if it has any, and otherwise
 * fails at once (NXDOMAIN): nothing leaves the machine unless the user
 * said where to.
 */
export class DnsServer {
  private closed = false;

  constructor(private readonly sockets: NamespaceSockets, private readonly owner: string, private readonly names: NameTable) {
    sockets.udp.on('message', (msg, from) => void this.resolve(msg).then((out) => {
      if (out && !this.closed) sockets.udp.send(out, from.port, from.address);
    }));
    sockets.udp.on('error', () => {}); // a reply to a client gone is no matter
    sockets.tcp.on('connection', (conn) => this.stream(conn));
  }

  /** Answers still being forwarded when the container stops are dropped: their socket is gone. */
  close(): void {
    this.closed = true;
    this.sockets.udp.close();
    this.sockets.tcp.close();
  }
  // #endregion dns-server

  // #region dns-tcp
  /** DNS over TCP (RFC 1035 §4.2.2, RFC 7766): each message behind a two-byte length, several on one connection. */
  private stream(conn: TcpSocket): void {
    let buffered = Buffer.alloc(0);
    conn.on('error', () => conn.destroy());
    conn.setTimeout(10_000, () => conn.destroy());
    conn.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        const msg = buffered.subarray(2, 2 + buffered.readUInt16BE(0));
        buffered = buffered.subarray(2 + msg.length);
        void this.resolve(msg).then((out) => {
          if (!out || conn.destroyed) return;
          const length = Buffer.alloc(2);
          length.writeUInt16BE(out.length);
          conn.write(Buffer.concat([length, out]));
        });
      }
    });
  }
  // #endregion dns-tcp

  // #region dns-reply
  private async resolve(msg: Buffer): Promise<Buffer | undefined> {
    const q = parseQuery(msg);
    if (!q) return undefined;
    const known = this.names.lookup(this.owner, q.name);
    if (known) return answer(q, RCODE.NOERROR, q.type === TYPE_A ? known : []);
    return this.forward(q, msg, this.names.forwardersOf(this.owner));
  }

  /**
   * The query as it came, to the first of the container's servers that
   * answers within two seconds — sent from the daemon's namespace, the one
   * with a way out (the containers' bridges forward nothing).
   */
  private async forward(q: Question, msg: Buffer, servers: string[]): Promise<Buffer> {
    for (const server of servers) {
      const reply = await exchange(msg, server).catch(() => undefined);
      if (reply) return reply;
    }
    return answer(q, servers.length ? RCODE.SERVFAIL : RCODE.NXDOMAIN);
  }
}

function exchange(msg: Buffer, server: string): Promise<Buffer> {
  const socket = createSocket('udp4');
  return new Promise<Buffer>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), 2000);
    socket.once('message', (reply) => (clearTimeout(timer), resolve(reply)));
    socket.once('error', (err) => (clearTimeout(timer), reject(err)));
    socket.send(msg, 53, server);
  }).finally(() => socket.close());
}
// #endregion dns-reply
