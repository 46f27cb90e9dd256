// routes.ts — /containers/…: the table of routes, and those that answer with a status or one JSON.

import { InvalidArgumentError } from '../../../../../01-namespaces/index.js';
import type { WaitCondition } from '../../../types/wait.js';
import { checkForJson, readJson } from '../../httputils/body.js';
import { HttpStatusError } from '../../httputils/errors.js';
import { boolValue, intValue, optionalInt, parseFilters } from '../../httputils/query.js';
import { responseOf, route, type RouteContext, type Router } from '../route.js';
import type { ContainerBackend, InspectBackend, LifecycleBackend, StreamsBackend } from './backend.js';
import { archiveRoutes } from './copy.js';
import { inspectRoutes } from './inspect.js';
import { attach, logs } from './streams.js';

export type FullContainerBackend = ContainerBackend & LifecycleBackend & StreamsBackend & InspectBackend;

// #region container-routes
export class ContainerRouter implements Router {
  constructor(private readonly backend: FullContainerBackend) {}

  routes() {
    const b = this.backend;
    const id = (ctx: RouteContext) => ctx.params.id!;
    return [
      route('POST', '/containers/create', (ctx) => this.create(ctx)),
      route('GET', '/containers/json', (ctx) => this.list(ctx)),
      route('POST', '/containers/prune', (ctx) => this.prune(ctx)),
      route('GET', '/containers/:id/json', (ctx) => ctx.reply.json(200, b.containerInspect(id(ctx)))),
      route('DELETE', '/containers/:id', (ctx) => this.remove(ctx)),
      route('POST', '/containers/:id/rename', (ctx) => this.rename(ctx)),
      route('POST', '/containers/:id/wait', (ctx) => this.wait(ctx)),
      route('POST', '/containers/:id/start', async (ctx) => (await b.containerStart(id(ctx)), ctx.reply.empty(204))),
      route('POST', '/containers/:id/stop', async (ctx) => (await b.containerStop(id(ctx), stopOptions(ctx)), ctx.reply.empty(204))),
      route('POST', '/containers/:id/restart', async (ctx) => (await b.containerRestart(id(ctx), stopOptions(ctx)), ctx.reply.empty(204))),
      route('POST', '/containers/:id/kill', async (ctx) => (await b.containerKill(id(ctx), ctx.query.get('signal') || 'SIGKILL'), ctx.reply.empty(204))),
      route('POST', '/containers/:id/pause', async (ctx) => (await b.containerPause(id(ctx)), ctx.reply.empty(204))),
      route('POST', '/containers/:id/unpause', async (ctx) => (await b.containerUnpause(id(ctx)), ctx.reply.empty(204))),
      route('POST', '/containers/:id/resize', async (ctx) => {
        await b.containerResize(id(ctx), intValue(ctx.query, 'h', 0), intValue(ctx.query, 'w', 0));
        ctx.reply.empty(200);
      }),
      route('POST', '/containers/:id/attach', (ctx) => attach(b, ctx)),
      route('GET', '/containers/:id/logs', (ctx) => logs(b, ctx)),
      ...inspectRoutes(b),
      ...archiveRoutes(b),
    ];
  }
  // #endregion container-routes

  // #region create-route
  /**
   * The body must say it is JSON (moby's CheckForJSON); the name comes from
   * the query only — dockerode repeats every option there, and the body wins.
   */
  private async create(ctx: RouteContext): Promise<void> {
    checkForJson(ctx.req);
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

// #region route-helpers
/** `?t=10&signal=SIGINT` of stop and restart; `t=-1` waits for ever. */
function stopOptions(ctx: RouteContext): { signal?: string; timeout?: number } {
  return { signal: ctx.query.get('signal') || undefined, timeout: optionalInt(ctx.query, 't') };
}
// #endregion route-helpers
