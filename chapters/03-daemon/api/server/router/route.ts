// route.ts — what a route is: a method, a path pattern and a handler.
//
// moby's api/server/router package in small: each resource (system,
// container, exec, image, build) is a *router* listing its routes, and each
// route's handler calls that resource's Backend interface, never the daemon's
// internals. The server knows nothing about containers; it only matches a
// request to a route and turns a thrown error into a status.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Responder } from '../httputils/response.js';

// #region route-types
/** Everything a handler gets for one request. */
export interface RouteContext {
  req: IncomingMessage;
  /** The response, unless the request asked to take over the connection (see `hijack`). */
  res?: ServerResponse;
  /** For `Upgrade: tcp` requests: the raw socket and the bytes read past the headers. */
  hijack?: { socket: Duplex; head: Buffer };
  /** Status and JSON, on whichever of the two the request came with. */
  reply: Responder;
  /** Path parameters (`:id`, or `*` for an image name with slashes). */
  params: Record<string, string>;
  query: URLSearchParams;
  /** The API version the client spoke: the `/v1.NN` prefix, or the daemon's own. */
  version: string;
  /** Aborted when the client hangs up: streams stop following. */
  signal: AbortSignal;
}

export type Handler = (ctx: RouteContext) => Promise<void> | void;

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';

export interface Route {
  method: Method;
  path: string;
  handler: Handler;
}

/** A resource's routes: moby's `router.Router`. */
export interface Router {
  routes(): Route[];
}

export const route = (method: Method, path: string, handler: Handler): Route => ({ method, path, handler });

/** The response of a handler that needs one (every route except the hijacking ones). */
export function responseOf(ctx: RouteContext): ServerResponse {
  if (!ctx.res) throw new Error(`${ctx.req.method} ${ctx.req.url} cannot be served on an upgraded connection`);
  return ctx.res;
}
// #endregion route-types
