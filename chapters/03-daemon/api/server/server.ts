// server.ts — HTTP/1.1 in, a route's handler called, errors turned into statuses.
//
// Routing is find-my-way's, the radix-tree router under fastify. It is a
// router and nothing more: it matches a method and a path and hands back
// what was registered, and leaves the request and the response to Node's own
// http module. That matters here more than speed. Two kinds of request must
// stay on Node's bare objects: `attach` and `exec start` take over the TCP
// connection (an HTTP upgrade, then raw bytes both ways), and logs, events,
// wait and build stream chunked bodies for as long as a container lives. A
// framework that owns the response (Express, fastify itself) has to be
// worked around for both; a router does not.

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import findMyWay from 'find-my-way';
import { errorBody, statusOf } from './httputils/errors.js';
import { responderFor, responderForSocket, type Responder } from './httputils/response.js';
import { splitVersion } from './middleware/version.js';
import type { Route, RouteContext, Router } from './router/route.js';
import { NotFoundError } from '../../../01-namespaces/index.js';

// #region dispatch
export type Logger = (line: string) => void;

export class ApiServer {
  private readonly router = findMyWay({ ignoreTrailingSlash: true, maxParamLength: 1024 });

  constructor(routers: Router[], private readonly debug?: Logger) {
    for (const r of routers) for (const route of r.routes()) this.router.on(route.method, route.path, () => {}, route);
  }

  /** Attaches the API to an http(s) server: plain requests and upgrades alike. */
  serve(server: Server): void {
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      void this.dispatch(req, responderFor(res), { res });
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      void this.dispatch(req, responderForSocket(socket), { hijack: { socket, head } });
    });
  }

  private async dispatch(req: IncomingMessage, reply: Responder, io: Pick<RouteContext, 'res' | 'hijack'>): Promise<void> {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', 'http://skiffd');
    const aborted = new AbortController();
    const closed = io.res ?? io.hijack!.socket;
    closed.once('close', () => aborted.abort());
    if (this.debug) this.logWhenDone(req, io, started);
    try {
      const { version, path } = splitVersion(url.pathname);
      const match = this.router.find(req.method as Route['method'], path);
      if (!match) throw new NotFoundError(`page not found`);
      const route = match.store as Route;
      const params = Object.fromEntries(Object.entries(match.params).map(([k, v]) => [k, v ?? '']));
      await route.handler({ req, ...io, reply, params, query: url.searchParams, version, signal: aborted.signal });
    } catch (err) {
      const status = statusOf(err);
      if (status >= 500 && this.debug) this.debug(`error ${req.method} ${req.url}: ${(err as Error).stack ?? err}`);
      reply.error(status, errorBody(err));
    }
  }
  // #endregion dispatch

  // #region debug-log
  /** One line per request at debug level: method, path, status, time taken. */
  private logWhenDone(req: IncomingMessage, io: Pick<RouteContext, 'res' | 'hijack'>, started: bigint): void {
    const line = (status: number | string) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      this.debug!(`${req.method} ${req.url} ${status} ${ms.toFixed(1)}ms`);
    };
    if (io.res) {
      const res = io.res;
      res.once('close', () => line(res.statusCode));
    } else {
      io.hijack!.socket.once('close', () => line('upgraded'));
    }
  }
}
// #endregion debug-log
