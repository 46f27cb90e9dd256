// A recording proxy on loopback, in front of a real registry: it logs
// each request (method, path, Range, Content-Range) and, when told to,
// cuts a blob's download after so many bytes or flips one of its bytes —
// the network failures a pull must survive, made on purpose.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  path: string;
  range?: string;
  contentRange?: string;
}

export interface Proxy {
  host: string;
  log: Recorded[];
  /** Cut the download of `digest` after `after` bytes, and hang up on every later request for it. */
  cut?: { digest: string; after: number; done?: boolean };
  /** Flip a byte of `digest` on its way through. */
  corrupt?: string;
  stop(): Promise<void>;
}

export async function startProxy(upstream: string): Promise<Proxy> {
  const [upHost, upPort] = upstream.split(':');
  const proxy: Proxy = { host: '', log: [], stop: async () => {} };
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    proxy.log.push({ method: req.method!, path, range: req.headers.range, contentRange: req.headers['content-range'] as string | undefined });
    const digest = /\/blobs\/(sha256:[0-9a-f]{64})$/.exec(path.split('?')[0]!)?.[1];
    const cut = req.method === 'GET' && digest && proxy.cut?.digest === digest ? proxy.cut : undefined;
    if (cut?.done) return void req.socket.destroy();
    const up = request({ host: upHost, port: Number(upPort), method: req.method, path, headers: req.headers }, (upRes) => {
      if (req.method === 'GET' && digest && digest === proxy.corrupt) {
        const chunks: Buffer[] = [];
        upRes.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
          const body = Buffer.concat(chunks);
          body[body.length >> 1] ^= 0xff;
          res.writeHead(upRes.statusCode!, upRes.headers).end(body);
        });
        return;
      }
      res.writeHead(upRes.statusCode!, upRes.headers);
      if (!cut) return void upRes.pipe(res);
      let sent = 0;
      upRes.on('data', (c: Buffer) => {
        if (cut.done) return;
        const room = cut.after - sent;
        res.write(c.subarray(0, Math.max(0, room)));
        sent += c.length;
        if (sent >= cut.after) {
          cut.done = true;
          upRes.destroy();
          res.socket?.destroySoon();
        }
      });
      upRes.on('end', () => res.end());
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  proxy.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.stop = () => new Promise((done) => (server.closeAllConnections(), server.close(() => done())));
  return proxy;
}
