// routes.ts — /images/…: list, inspect, history, tag, remove, prune, load, save, import.

import { InvalidArgumentError } from '../../../../../01-namespaces/index.js';
import { HttpStatusError } from '../../httputils/errors.js';
import { bodyStream, drain } from '../../httputils/body.js';
import { JsonStream } from '../../httputils/json-stream.js';
import { boolValue, checkFilterKeys, parseFilters } from '../../httputils/query.js';
import { responseOf, route, type RouteContext, type Router } from '../route.js';
import type { ImageBackend } from './backend.js';
import type { DistributionBackend } from '../distribution/backend.js';
import { distributionOf, withProgress } from '../distribution/routes.js';
import { registryAuth } from '../../httputils/registry-auth.js';

// #region image-routes
export class ImageRouter implements Router {
  constructor(
    private readonly backend: ImageBackend,
    /** Pull and push, when a registry client is plugged in (chapter 05). */
    private readonly distribution?: DistributionBackend,
  ) {}

  routes() {
    return [
      route('GET', '/images/json', (ctx) => this.list(ctx)),
      route('GET', '/images/get', (ctx) => this.save(ctx, ctx.query.getAll('names'))),
      route('POST', '/images/create', (ctx) => this.create(ctx)),
      route('POST', '/images/load', (ctx) => this.load(ctx)),
      route('POST', '/images/prune', (ctx) => this.prune(ctx)),
      // Image names hold `/` and `:` (127.0.0.1:5000/team/app:v1), so one
      // segment cannot match them. moby's mux says `{name:.*}/json`; a radix
      // router takes the rest of the path and the suffix decides.
      route('GET', '/images/*', (ctx) => this.bySuffix(ctx, { '/json': this.inspect, '/history': this.history, '/get': this.saveOne })),
      route('POST', '/images/*', (ctx) => this.bySuffix(ctx, { '/tag': this.tag, '/push': this.push })),
      route('DELETE', '/images/*', (ctx) => this.remove(ctx, ctx.params['*']!)),
    ];
  }

  private bySuffix(ctx: RouteContext, handlers: Record<string, (ctx: RouteContext, name: string) => Promise<void>>): Promise<void> {
    const rest = ctx.params['*']!;
    for (const [suffix, handler] of Object.entries(handlers)) {
      if (rest.endsWith(suffix) && rest.length > suffix.length) return handler.call(this, ctx, rest.slice(0, -suffix.length));
    }
    throw new HttpStatusError(404, 'page not found');
  }
  // #endregion image-routes

  // #region image-handlers
  private async list(ctx: RouteContext): Promise<void> {
    const filters = parseFilters(ctx.query);
    checkFilterKeys(filters, ['dangling', 'label', 'reference', 'before', 'since', 'until']);
    ctx.reply.json(200, await this.backend.images({ all: boolValue(ctx.query, 'all'), filters }));
  }

  private async inspect(ctx: RouteContext, name: string): Promise<void> {
    ctx.reply.json(200, await this.backend.imageInspect(name));
  }

  private async history(ctx: RouteContext, name: string): Promise<void> {
    ctx.reply.json(200, await this.backend.imageHistory(name));
  }

  /** `docker tag SRC REPO:TAG` → 201, no body. */
  private async tag(ctx: RouteContext, name: string): Promise<void> {
    await this.backend.tagImage(name, ctx.query.get('repo') ?? '', ctx.query.get('tag') ?? '');
    ctx.reply.empty(201);
  }

  private async remove(ctx: RouteContext, name: string): Promise<void> {
    const items = await this.backend.imageDelete(name, { force: boolValue(ctx.query, 'force'), prune: !boolValue(ctx.query, 'noprune') });
    ctx.reply.json(200, items);
  }

  private async prune(ctx: RouteContext): Promise<void> {
    const filters = parseFilters(ctx.query);
    checkFilterKeys(filters, ['dangling', 'label', 'until']);
    ctx.reply.json(200, await this.backend.imagesPrune(filters));
  }

  // #endregion image-handlers

  // #region image-pull-push
  /**
   * `docker pull`: `fromImage` and `tag`; the tag may be a digest
   * (`docker pull busybox@sha256:…` sends it there), as moby reads it.
   */
  private async pull(ctx: RouteContext, fromImage: string): Promise<void> {
    const tag = ctx.query.get('tag') ?? '';
    const reference = tag === '' ? fromImage : `${fromImage}${/^[a-z0-9]+:/.test(tag) ? '@' : ':'}${tag}`;
    const backend = distributionOf(this.distribution, `pull ${reference}`);
    const auth = registryAuth(ctx.req.headers['x-registry-auth']);
    await withProgress(ctx, (progress) => backend.pull(reference, auth, progress, ctx.signal));
  }

  /** `docker push NAME[:TAG]`: the tag comes as a query parameter, or (dockerode) in the name. */
  private async push(ctx: RouteContext, name: string): Promise<void> {
    const backend = distributionOf(this.distribution, `push ${name}`);
    const auth = registryAuth(ctx.req.headers['x-registry-auth']);
    await withProgress(ctx, async (progress) => {
      for (const pushed of await backend.push(name, ctx.query.get('tag') ?? '', auth, progress, ctx.signal)) {
        progress({ status: `${pushed.tag}: digest: ${pushed.digest} size: ${pushed.size}` });
        progress({ aux: { Tag: pushed.tag, Digest: pushed.digest, Size: pushed.size } });
      }
    });
  }
  // #endregion image-pull-push

  // #region image-load-save
  /** `docker load`: the archive is the body; progress comes back as a JSON stream. */
  private async load(ctx: RouteContext): Promise<void> {
    const stream = new JsonStream(responseOf(ctx)).begin();
    try {
      await this.backend.loadImages(bodyStream(ctx.req), (m) => stream.send(m));
    } catch (err) {
      stream.fail(err);
    }
    await drain(ctx.req);
    stream.end();
  }

  /** `docker save`: unknown names are a 404 before the first byte; then a tar. */
  private async save(ctx: RouteContext, names: string[]): Promise<void> {
    if (names.length === 0) throw new InvalidArgumentError('no images given to save');
    await this.backend.checkImages(names);
    const res = responseOf(ctx);
    res.writeHead(200, { 'Content-Type': 'application/x-tar' });
    try {
      await this.backend.exportImages(names, res);
    } catch {
      res.destroy(); // mid-stream: a cut connection is the only way left to say it failed
    }
  }

  private saveOne(ctx: RouteContext, name: string): Promise<void> {
    return this.save(ctx, [name]);
  }
  // #endregion image-load-save

  // #region image-import
  /** `POST /images/create`: `fromImage` pulls; `fromSrc=-` imports the body. */
  private async create(ctx: RouteContext): Promise<void> {
    const fromSrc = ctx.query.get('fromSrc');
    if (fromSrc === null) return this.pull(ctx, ctx.query.get('fromImage') ?? '');
    if (fromSrc !== '-') throw new InvalidArgumentError(`cannot import from ${fromSrc}: only fromSrc=- (the request body) is supported`);
    const changes = ctx.query.getAll('changes').filter(Boolean);
    const stream = new JsonStream(responseOf(ctx)).begin();
    try {
      const id = await this.backend.importImage(bodyStream(ctx.req), {
        repo: ctx.query.get('repo') || undefined, tag: ctx.query.get('tag') || undefined,
        message: ctx.query.get('message') || undefined, changes,
      });
      stream.send({ status: id });
    } catch (err) {
      stream.fail(err);
    }
    await drain(ctx.req);
    stream.end();
  }
}
// #endregion image-import
