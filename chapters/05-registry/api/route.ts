// route.ts — what a route is: a method, a path, the scopes it needs, a handler.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Access, Grant } from './access.js';

// #region route-types
export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** The repository, checked against the spec's grammar, for `/v2/<name>/…` routes ('' elsewhere). */
  name: string;
  /** Path parameters, decoded: `:digest`, `:reference`, `:id`. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** What the request was found to be allowed; set before the handler runs. */
  grant: Grant;
}

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Route {
  method: Method;
  /** For repository routes, the part after the name: `/blobs/:digest`. */
  path: string;
  /** The scopes the request needs; none for public routes. */
  access(ctx: RequestContext): Access[];
  handler(ctx: RequestContext): Promise<void> | void;
}

export const route = (method: Method, path: string, access: Route['access'], handler: Route['handler']): Route =>
  ({ method, path, access, handler });

export const noAccess = (): Access[] => [];
// #endregion route-types
