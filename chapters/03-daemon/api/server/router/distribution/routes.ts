// routes.ts — /auth and /distribution/{name}/json, and the progress stream pull and push share.

import type { RouteContext, Router } from '../route.js';
import { responseOf, route } from '../route.js';
import { readJson } from '../../httputils/body.js';
import { HttpStatusError } from '../../httputils/errors.js';
import { JsonStream, type JsonMessage } from '../../httputils/json-stream.js';
import { authConfig, registryAuth } from '../../httputils/registry-auth.js';
import type { DistributionBackend } from './backend.js';

// #region no-registry
/** What a daemon says when no registry client was plugged in. */
export function distributionOf(backend: DistributionBackend | undefined, what: string): DistributionBackend {
  if (!backend) throw new HttpStatusError(501, `cannot ${what}: this daemon has no registry client yet`);
  return backend;
}

/**
 * Runs a pull or a push with its progress as a JSON stream. The 200 goes
 * out with the first message, as moby's flushing writer does: a failure
 * before it (an unknown repository, bad credentials) is still a plain
 * error status; one after it is an `errorDetail` in the stream.
 */
export async function withProgress(ctx: RouteContext, work: (progress: (m: JsonMessage) => void) => Promise<void>): Promise<void> {
  const stream = new JsonStream(responseOf(ctx));
  try {
    await work((m) => stream.send(m));
  } catch (err) {
    if (!stream.begun) throw err;
    stream.fail(err);
  }
  stream.begin().end();
}
// #endregion no-registry

// #region distribution-routes
export class DistributionRouter implements Router {
  constructor(private readonly backend?: DistributionBackend) {}

  routes() {
    return [
      route('POST', '/auth', (ctx) => this.login(ctx)),
      route('GET', '/distribution/*', (ctx) => this.inspect(ctx)),
    ];
  }

  /** `docker login`: the body is the AuthConfig; 200 only once the registry accepted it. */
  private async login(ctx: RouteContext): Promise<void> {
    const auth = authConfig((await readJson(ctx.req)) ?? {}, 'login request');
    ctx.reply.json(200, await distributionOf(this.backend, 'log in').login(auth));
  }

  private async inspect(ctx: RouteContext): Promise<void> {
    const rest = ctx.params['*']!;
    if (!rest.endsWith('/json') || rest === '/json') throw new HttpStatusError(404, 'page not found');
    const name = rest.slice(0, -'/json'.length);
    const backend = distributionOf(this.backend, `inspect ${name} on its registry`);
    ctx.reply.json(200, await backend.inspect(name, registryAuth(ctx.req.headers['x-registry-auth'])));
  }
}
// #endregion distribution-routes
