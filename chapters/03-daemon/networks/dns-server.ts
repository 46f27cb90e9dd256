// dns-server.ts — a network's own DNS server: its containers by name, short id and alias.

import { createSocket, type Socket } from 'node:dgram';
import { answer, parseQuery, RCODE, TYPE_A, type Question } from './dns-message.js';
import type { NameTable } from './name-table.js';

// #region dns-server
/**
 * Docker answers on 127.0.0.11 inside each container's namespace, from a
 * socket the daemon opens there. This server listens once per network, on
 * the bridge's gateway address, port 53 — as podman's aardvark-dns does —
 * and every container's resolv.conf names that address. A name the table
 * knows on the asker's networks gets its A records; an unknown name is forwarded to the asking container's
 * `--dns` servers if it has any, and otherwise fails at once (NXDOMAIN):
 * nothing ever leaves the machine unless the user said where to.
 */
export class DnsServer {
  private constructor(private readonly socket: Socket, private readonly names: NameTable) {
    socket.on('message', (msg, from) => void this.reply(msg, from.address, from.port));
  }

  static listen(address: string, names: NameTable): Promise<DnsServer> {
    const socket = createSocket({ type: 'udp4', reuseAddr: true });
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(53, address, () => {
        socket.off('error', reject);
        socket.on('error', () => {}); // a reply to a client gone is no matter
        resolve(new DnsServer(socket, names));
      });
    });
  }

  close(): void {
    this.socket.close();
  }
  // #endregion dns-server

  // #region dns-reply
  private async reply(msg: Buffer, from: string, port: number): Promise<void> {
    const q = parseQuery(msg);
    if (!q) return;
    const known = this.names.lookup(from, q.name);
    let out: Buffer;
    if (known) out = answer(q, RCODE.NOERROR, q.type === TYPE_A ? known : []);
    else out = await this.forward(q, msg, this.names.forwardersOf(from));
    this.socket.send(out, port, from);
  }

  /** The query as it came, to the first of the client's servers that answers within two seconds. */
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
