// routes.ts — /networks/…: create, list, inspect, remove, prune, connect, disconnect.

import { checkForJson, readJson } from '../../httputils/body.js';
import { parseFilters } from '../../httputils/query.js';
import { route, type RouteContext, type Router } from '../route.js';
import type { NetworkBackend } from './backend.js';

// #region network-routes
export class NetworkRouter implements Router {
  constructor(private readonly backend: NetworkBackend) {}

  routes() {
    const b = this.backend;
    const id = (ctx: RouteContext) => ctx.params.id!;
    const json = async (ctx: RouteContext) => (checkForJson(ctx.req), readJson(ctx.req));
    return [
      route('GET', '/networks', (ctx) => ctx.reply.json(200, b.networkList(parseFilters(ctx.query)))),
      route('POST', '/networks/create', async (ctx) => ctx.reply.json(201, await b.networkCreate(await json(ctx)))),
      route('POST', '/networks/prune', async (ctx) => ctx.reply.json(200, await b.networkPrune(parseFilters(ctx.query)))),
      route('GET', '/networks/:id', (ctx) => ctx.reply.json(200, b.networkInspect(id(ctx)))),
      route('DELETE', '/networks/:id', async (ctx) => (await b.networkRemove(id(ctx)), ctx.reply.empty(204))),
      route('POST', '/networks/:id/connect', async (ctx) => (await b.networkConnect(id(ctx), await json(ctx)), ctx.reply.empty(200))),
      route('POST', '/networks/:id/disconnect', async (ctx) => (await b.networkDisconnect(id(ctx), await json(ctx)), ctx.reply.empty(200))),
    ];
  }
}
// #endregion network-routes
