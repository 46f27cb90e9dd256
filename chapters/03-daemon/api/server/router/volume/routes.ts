// routes.ts — /volumes/…: list, create, inspect, remove, prune.

import { checkJson } from '../../../types/container-config.js';
import { VolumeCreateSchema } from '../../../types/volume.js';
import { checkForJson, readJson } from '../../httputils/body.js';
import { boolValue, parseFilters } from '../../httputils/query.js';
import { compareVersions } from '../../middleware/version.js';
import { route, type RouteContext, type Router } from '../route.js';
import type { VolumeBackend } from './backend.js';

// #region volume-routes
export class VolumeRouter implements Router {
  constructor(private readonly backend: VolumeBackend) {}

  routes() {
    return [
      route('GET', '/volumes', (ctx) => this.list(ctx)),
      route('GET', '/volumes/:name', (ctx) => ctx.reply.json(200, this.backend.volumeInspect(ctx.params.name!))),
      route('POST', '/volumes/create', (ctx) => this.create(ctx)),
      route('POST', '/volumes/prune', (ctx) => this.prune(ctx)),
      route('DELETE', '/volumes/:name', (ctx) => {
        this.backend.volumeRm(ctx.params.name!, boolValue(ctx.query, 'force'));
        ctx.reply.empty(204);
      }),
    ];
  }

  private list(ctx: RouteContext): void {
    ctx.reply.json(200, { Volumes: this.backend.volumesList(parseFilters(ctx.query)), Warnings: null });
  }

  private async create(ctx: RouteContext): Promise<void> {
    checkForJson(ctx.req);
    const body = checkJson(VolumeCreateSchema, await readJson(ctx.req), 'volume.CreateOptions');
    ctx.reply.json(201, this.backend.volumeCreate(body));
  }

  /** API 1.42 made prune spare named volumes; an older client still gets them all pruned, as it expects. */
  private prune(ctx: RouteContext): void {
    const filters = parseFilters(ctx.query);
    if (compareVersions(ctx.version, '1.42') < 0 && !filters.has('all')) filters.set('all', ['true']);
    ctx.reply.json(200, this.backend.volumesPrune(filters));
  }
}
// #endregion volume-routes
