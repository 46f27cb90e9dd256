// inspect.ts — looking into a container: top, stats, changes, export; and update and commit.

import { checkForJson, readJson } from '../../httputils/body.js';
import { boolValue, boolValueOr } from '../../httputils/query.js';
import { writeTar } from '../../httputils/tar-response.js';
import { responseOf, route, type Route, type RouteContext } from '../route.js';
import type { InspectBackend } from './backend.js';

// #region inspect-routes
export function inspectRoutes(b: InspectBackend): Route[] {
  const id = (ctx: RouteContext) => ctx.params.id!;
  return [
    route('GET', '/containers/:id/top', async (ctx) => ctx.reply.json(200, await b.containerTop(id(ctx), ctx.query.get('ps_args') || '-ef'))),
    route('GET', '/containers/:id/stats', (ctx) => stats(b, ctx)),
    route('GET', '/containers/:id/changes', async (ctx) => ctx.reply.json(200, await b.containerChanges(id(ctx)))),
    route('GET', '/containers/:id/export', async (ctx) => {
      const archive = await b.containerExport(id(ctx));
      await writeTar(ctx, archive.write);
    }),
    route('POST', '/containers/:id/update', async (ctx) => {
      checkForJson(ctx.req);
      ctx.reply.json(200, await b.containerUpdate(id(ctx), await readJson(ctx.req)));
    }),
    route('POST', '/commit', (ctx) => commit(b, ctx)),
  ];
}
// #endregion inspect-routes

// #region stats-route
/** One JSON object per sample, a line each; `stream=0` gives one and ends. */
async function stats(b: InspectBackend, ctx: RouteContext): Promise<void> {
  const res = responseOf(ctx);
  let begun = false;
  await b.containerStats(ctx.params.id!, { stream: boolValueOr(ctx.query, 'stream', true), oneShot: boolValue(ctx.query, 'one-shot') }, ctx.signal, (sample) => {
    if (!begun) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      begun = true;
    }
    res.write(`${JSON.stringify(sample)}\n`);
  });
  res.end();
}
// #endregion stats-route

// #region commit-route
/** `docker commit`: the options in the query, a container config to merge in the body. */
async function commit(b: InspectBackend, ctx: RouteContext): Promise<void> {
  const q = ctx.query;
  checkForJson(ctx.req);
  const config = await readJson(ctx.req);
  const answer = await b.containerCommit(q.get('container') ?? '', {
    repo: q.get('repo') || undefined, tag: q.get('tag') || undefined, comment: q.get('comment') ?? undefined,
    author: q.get('author') ?? undefined, changes: q.getAll('changes').filter(Boolean), pause: boolValueOr(q, 'pause', true),
    config: config === null ? undefined : config,
  });
  ctx.reply.json(201, answer);
}
// #endregion commit-route

