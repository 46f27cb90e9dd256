// routes.ts — /containers/…: create, inspect, list, remove, rename, prune, wait.

import { InvalidArgumentError } from '../../../../../01-namespaces/index.js';
import type { WaitCondition } from '../../../types/wait.js';
import { readJson } from '../../httputils/body.js';
import { HttpStatusError } from '../../httputils/errors.js';
import { boolValue, intValue, parseFilters } from '../../httputils/query.js';
import { responseOf, route, type RouteContext, type Router } from '../route.js';
import type { ContainerBackend } from './backend.js';

// #region container-routes
export class ContainerRouter implements Router {
  constructor(private readonly backend: ContainerBackend) {}

  routes() {
    return [
      route('POST', '/containers/create', (ctx) => this.create(ctx)),
      route('GET', '/containers/json', (ctx) => this.list(ctx)),
      route('POST', '/containers/prune', (ctx) => this.prune(ctx)),
      route('GET', '/containers/:id/json', (ctx) => ctx.reply.json(200, this.backend.containerInspect(ctx.params.id!))),
      route('DELETE', '/containers/:id', (ctx) => this.remove(ctx)),
      route('POST', '/containers/:id/rename', (ctx) => this.rename(ctx)),
      route('POST', '/containers/:id/wait', (ctx) => this.wait(ctx)),
    ];
  }
  // #endregion container-routes

  // #region create-route
  /**
   * The body must say it is JSON (moby's CheckForJSON); the name comes from
   * the query only — dockerode repeats every option there, and the body wins.
   */
  private async create(ctx: RouteContext): Promise<void> {
    const type = (ctx.req.headers['content-type'] ?? '').split(';')[0]!.trim();
    if (type !== 'application/json' && (type !== '' || Number(ctx.req.headers['content-length'] ?? 0) > 0)) {
      throw new InvalidArgumentError(`Content-Type specified (${type}) must be 'application/json'`);
    }
    const body = await readJson(ctx.req);
    ctx.reply.json(201, await this.backend.containerCreate(body, ctx.query.get('name')));
  }
  // #endregion create-route

  // #region list-route
  private async list(ctx: RouteContext): Promise<void> {
    ctx.reply.json(200, await this.backend.containers({
      all: boolValue(ctx.query, 'all'), limit: intValue(ctx.query, 'limit', -1), size: boolValue(ctx.query, 'size'), filters: parseFilters(ctx.query),
    }));
  }
  // #endregion list-route

  // #region remove-route
  private async remove(ctx: RouteContext): Promise<void> {
    if (boolValue(ctx.query, 'link')) throw new InvalidArgumentError('links are not supported by this daemon');
    await this.backend.containerRm(ctx.params.id!, { force: boolValue(ctx.query, 'force'), removeVolumes: boolValue(ctx.query, 'v') });
    ctx.reply.empty(204);
  }

  private rename(ctx: RouteContext): void {
    this.backend.containerRename(ctx.params.id!, ctx.query.get('name') ?? '');
    ctx.reply.empty(204);
  }

  private async prune(ctx: RouteContext): Promise<void> {
    ctx.reply.json(200, await this.backend.containersPrune(parseFilters(ctx.query)));
  }
  // #endregion remove-route

  // #region wait-route
  /**
   * The status line goes out *before* the wait: `docker run` sends this
   * request, and only then `start`, on another connection — a server that
   * held its headers until the container exited would wait forever.
   */
  private async wait(ctx: RouteContext): Promise<void> {
    const condition = (ctx.query.get('condition') || 'not-running') as WaitCondition;
    if (!['not-running', 'next-exit', 'removed'].includes(condition)) throw new HttpStatusError(400, `invalid condition: "${condition}"`);
    const { result } = this.backend.containerWait(ctx.params.id!, condition);
    const res = responseOf(ctx);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    const answer = await Promise.race([result, new Promise<undefined>((r) => ctx.signal.addEventListener('abort', () => r(undefined)))]);
    if (answer) res.end(`${JSON.stringify(answer)}\n`);
  }
}
// #endregion wait-route
