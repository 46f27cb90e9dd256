// copy.ts — /containers/{id}/archive: `docker cp`, both ways.
//
// Out of a container: GET answers a tar of the path, and the path's stat
// (name, size, mode, mtime, link target) as base64 JSON in the
// `X-Docker-Container-Path-Stat` header, which the CLI reads to decide how
// to name what it writes. Into a container: the CLI first asks HEAD for the
// destination's stat, then PUTs a tar that the daemon unpacks there.

import { InvalidArgumentError } from '../../../../../01-namespaces/index.js';
import { bodyStream, drain } from '../../httputils/body.js';
import { boolValue } from '../../httputils/query.js';
import { writeTar } from '../../httputils/tar-response.js';
import { responseOf, route, type Route, type RouteContext } from '../route.js';
import type { InspectBackend, PathStat } from './backend.js';

// #region archive-routes
const STAT_HEADER = 'X-Docker-Container-Path-Stat';
const statHeader = (stat: PathStat) => Buffer.from(JSON.stringify(stat)).toString('base64');

function pathOf(ctx: RouteContext): string {
  const path = ctx.query.get('path');
  if (!path) throw new InvalidArgumentError('Bad parameter: "path" cannot be empty');
  return path;
}

export function archiveRoutes(b: InspectBackend): Route[] {
  return [
    route('HEAD', '/containers/:id/archive', async (ctx) => {
      const stat = await b.containerStatPath(ctx.params.id!, pathOf(ctx));
      responseOf(ctx).writeHead(200, { [STAT_HEADER]: statHeader(stat), 'Content-Type': 'application/x-tar' }).end();
    }),
    route('GET', '/containers/:id/archive', async (ctx) => {
      const { stat, write } = await b.containerArchivePath(ctx.params.id!, pathOf(ctx));
      await writeTar(ctx, write, { [STAT_HEADER]: statHeader(stat) });
    }),
    route('PUT', '/containers/:id/archive', async (ctx) => {
      const body = bodyStream(ctx.req);
      try {
        await b.containerExtractToDir(ctx.params.id!, pathOf(ctx), body, { noOverwriteDirNonDir: boolValue(ctx.query, 'noOverwriteDirNonDir') });
      } finally {
        await drain(ctx.req);
      }
      ctx.reply.empty(200);
    }),
  ];
}
// #endregion archive-routes
