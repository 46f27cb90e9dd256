// port-proxy.ts — a published port: a listener on the host that relays to the container's address.

import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { createConnection, createServer, type AddressInfo, type Server } from 'node:net';
import { ConflictError } from '../../01-namespaces/index.js';
import type { PortRequest } from './ports.js';

// #region tcp-proxy
/** A running proxy: where it listens (the port chosen, for an ephemeral one), and how to stop it. */
export interface Proxy {
  hostIp: string;
  hostPort: number;
  close(): void;
}

/**
 * Docker's userland proxy (docker-proxy) in the daemon: each connection to
 * HOSTIP:HOSTPORT gets one to CONTAINERIP:PORT, bytes piped both ways; an
 * end's FIN is passed on, and an end that closes or fails closes the other.
 */
function tcpProxy(r: PortRequest, target: string): Promise<Proxy> {
  // Half-open both ways: a client that shuts down its sending side still gets the reply (man 2 shutdown).
  const server: Server = createServer({ allowHalfOpen: true }, (client) => {
    const upstream = createConnection({ host: target, port: r.port, allowHalfOpen: true });
    client.pipe(upstream).pipe(client);
    const end = () => (client.destroy(), upstream.destroy());
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(bindError(r, err)));
    server.listen({ host: r.hostIp, port: r.hostPort }, () => {
      const { port } = server.address() as AddressInfo;
      resolve({ hostIp: r.hostIp, hostPort: port, close: () => server.close() });
    });
  });
}

function bindError(r: PortRequest, err: NodeJS.ErrnoException): Error {
  const where = `${r.hostIp}:${r.hostPort}`;
  if (err.code === 'EADDRINUSE') return new ConflictError(`driver failed programming external connectivity: Bind for ${where} failed: port is already allocated`);
  return new ConflictError(`driver failed programming external connectivity: listen ${r.proto} ${where}: ${err.message}`);
}
// #endregion tcp-proxy

// #region udp-proxy
/**
 * UDP has no connections: each client address gets a socket of its own
 * toward the container, so that replies find their way back; a client
 * silent for a minute loses it.
 */
function udpProxy(r: PortRequest, target: string): Promise<Proxy> {
  const front = createSocket('udp4');
  const clients = new Map<string, { socket: UdpSocket; timer: NodeJS.Timeout }>();
  front.on('message', (msg, from: RemoteInfo) => {
    const key = `${from.address}:${from.port}`;
    let c = clients.get(key);
    if (!c) {
      const socket = createSocket('udp4');
      socket.on('message', (reply) => front.send(reply, from.port, from.address));
      socket.on('error', () => {});
      c = { socket, timer: setTimeout(() => {}, 0) };
      clients.set(key, c);
    }
    clearTimeout(c.timer);
    const entry = c;
    c.timer = setTimeout(() => (entry.socket.close(), clients.delete(key)), 60_000);
    c.socket.send(msg, r.port, target);
  });
  return new Promise((resolve, reject) => {
    front.once('error', (err: NodeJS.ErrnoException) => reject(bindError(r, err)));
    front.bind(r.hostPort, r.hostIp, () => {
      front.on('error', () => {});
      resolve({
        hostIp: r.hostIp, hostPort: front.address().port,
        close: () => {
          for (const c of clients.values()) (clearTimeout(c.timer), c.socket.close());
          front.close();
        },
      });
    });
  });
}

export const startProxy = (r: PortRequest, target: string): Promise<Proxy> => (r.proto === 'udp' ? udpProxy(r, target) : tcpProxy(r, target));
// #endregion udp-proxy
