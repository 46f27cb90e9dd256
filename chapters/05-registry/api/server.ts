// server.ts — a request in, a route found, access checked, errors answered.

import type { IncomingMessage, ServerResponse } from 'node:http';
import findMyWay from 'find-my-way';
import { RegistryError, nameInvalid } from '../errors.js';
import { checkName } from '../storage/index.js';
import { openAccess, type AccessController } from './access.js';
import { sendError } from './responses.js';
import type { Method, RequestContext, Route } from './route.js';

// #region split-name
/** `/v2/<name>/<kind>/<rest>`: the longest name wins, as with distribution's `{name:…}/blobs/…`. */
const REPOSITORY_PATH = /^\/v2\/(.+)\/(blobs|manifests|tags|referrers)(\/.*)$/;

function splitRepositoryPath(path: string): { name: string; rest: string } | undefined {
  const m = REPOSITORY_PATH.exec(path);
  if (!m) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(m[1]!);
  } catch {
    throw nameInvalid(m[1]!);
  }
  return { name: checkName(name), rest: `/${m[2]}${m[3]}` };
}
// #endregion split-name

// #region dispatch
export type Logger = (line: string) => void;

export class RegistryServer {
  private readonly top = findMyWay({ ignoreTrailingSlash: true, maxParamLength: 512 });
  private readonly repository = findMyWay({ ignoreTrailingSlash: true, maxParamLength: 512 });

  private inFlight = 0;

  constructor(
    topRoutes: Route[],
    repositoryRoutes: Route[],
    private readonly access: AccessController = openAccess,
    private readonly log?: Logger,
    private readonly maxInFlight = Infinity,
  ) {
    for (const r of topRoutes) this.top.on(r.method, r.path, () => {}, r);
    for (const r of repositoryRoutes) this.repository.on(r.method, r.path, () => {}, r);
  }

  /** The function to hand to http.createServer or https.createServer. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (this.log) res.once('close', () => this.log!(`${req.method} ${req.url} ${res.statusCode}`));
    if (this.inFlight >= this.maxInFlight && req.url !== '/healthz') {
      return sendError(res, new RegistryError(429, 'TOOMANYREQUESTS', 'too many requests: try again shortly', undefined, { 'Retry-After': '1' }));
    }
    this.inFlight++;
    res.once('close', () => this.inFlight--);
    this.dispatch(req, res).catch((err: unknown) => sendError(res, err));
  };

  // #endregion dispatch

  // #region route-request
  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
    const method = req.method as Method;
    let name = '';
    let found = this.top.find(method, path);
    if (!found) {
      const split = splitRepositoryPath(path);
      if (split) (name = split.name), (found = this.repository.find(method, split.rest));
    }
    if (!found) throw this.notFound(path);
    const route = found.store as Route;
    const params = Object.fromEntries(Object.entries(found.params).map(([k, v]) => [k, v ?? '']));
    const ctx: RequestContext = { req, res, name, params, query, grant: { allows: () => false } };
    ctx.grant = await this.access.authorize(req, route.access(ctx));
    await route.handler(ctx);
  }

  // #endregion route-request

  // #region not-found
  /** 405 when the path exists for another method, else 404; both in the spec's error shape. */
  private notFound(path: string): RegistryError {
    const split = REPOSITORY_PATH.exec(path);
    const methods: Method[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
    const other = methods.some((m) => this.top.find(m, path) || (split && this.repository.find(m, `/${split[2]}${split[3]}`)));
    return other
      ? new RegistryError(405, 'UNSUPPORTED', `the method is not supported on ${path}`)
      : new RegistryError(404, 'UNSUPPORTED', `no such endpoint: ${path}`);
  }
}
// #endregion not-found
