// routes.ts — POST /build: a tar of the context in, the legacy builder's JSON stream out.

import { InvalidArgumentError } from '../../../../../01-namespaces/index.js';
import { bodyStream, drain } from '../../httputils/body.js';
import { JsonStream } from '../../httputils/json-stream.js';
import { boolValue } from '../../httputils/query.js';
import { authFor, registryConfig } from '../../httputils/registry-auth.js';
import type { DistributionBackend } from '../distribution/backend.js';
import { responseOf, route, type RouteContext, type Router } from '../route.js';
import type { BuildBackend, BuildRequest } from './backend.js';

// #region build-route
export class BuildRouter implements Router {
  constructor(private readonly backend: BuildBackend, private readonly distribution?: DistributionBackend) {}

  routes() {
    return [route('POST', '/build', (ctx) => this.build(ctx))];
  }

  /**
   * Options are checked before the 200 goes out, so a bad one is a plain
   * 400, and so is a Dockerfile that does not parse (the backend reads it
   * before its first message); from then on every failure is an
   * `errorDetail` in the stream, which the CLI prints after the steps it
   * already showed.
   */
  private async build(ctx: RouteContext): Promise<void> {
    const request = buildRequest(ctx.query);
    const distribution = this.distribution;
    if (distribution) {
      // X-Registry-Config: the CLI's credentials for every registry it knows; a pull uses its registry's.
      const auths = registryConfig(ctx.req.headers['x-registry-config']);
      request.pull = (reference, progress) => distribution.pull(reference, authFor(auths, reference), progress, ctx.signal);
    }
    const stream = new JsonStream(responseOf(ctx));
    try {
      const id = await this.backend.build(bodyStream(ctx.req), request, (m) => stream.send(m));
      if (request.quiet) stream.send({ stream: `${id}\n` });
    } catch (err) {
      await drain(ctx.req);
      if (!stream.begun) throw err;
      stream.fail(err);
    }
    await drain(ctx.req);
    stream.end();
  }
}
// #endregion build-route

// #region build-options
/**
 * Options that would change how RUN steps are isolated or limited are
 * refused rather than ignored: a build asked to run with 512 MB must not
 * silently run without a limit.
 */
const REFUSED_UNLESS_EMPTY = ['remote', 'target', 'cgroupparent', 'cpusetcpus', 'cpusetmems', 'extrahosts', 'isolation', 'squash', 'pull'];
const REFUSED_UNLESS_ZERO = ['memory', 'memswap', 'cpushares', 'cpuquota', 'cpuperiod', 'shmsize'];

function buildRequest(query: URLSearchParams): BuildRequest {
  for (const name of REFUSED_UNLESS_EMPTY) {
    const value = query.get(name);
    if (value && value !== '0' && value !== 'false') throw new InvalidArgumentError(`build option ${name}=${value} is not supported by this daemon`);
  }
  for (const name of REFUSED_UNLESS_ZERO) {
    const value = query.get(name);
    if (value && Number(value) !== 0) throw new InvalidArgumentError(`build option ${name}=${value} is not supported by this daemon`);
  }
  const network = query.get('networkmode') ?? '';
  if (!['', 'default', 'none'].includes(network)) {
    throw new InvalidArgumentError(`build option networkmode=${network} is not supported: RUN steps have no network`);
  }
  const ulimits = query.get('ulimits');
  if (ulimits && ulimits !== 'null' && ulimits !== '[]') throw new InvalidArgumentError('build option ulimits is not supported by this daemon');
  return {
    tags: query.getAll('t').filter(Boolean),
    dockerfile: query.get('dockerfile') || 'Dockerfile',
    buildArgs: stringMap(query.get('buildargs'), 'buildargs'),
    labels: stringMap(query.get('labels'), 'labels'),
    noCache: boolValue(query, 'nocache'),
    quiet: boolValue(query, 'q'),
  };
}
// #endregion build-options

// #region build-string-map
/** `{"KEY": "value"}` from the query; a null value (`--build-arg KEY` unset) is left out. */
function stringMap(text: string | null, name: string): Record<string, string> {
  if (!text) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new InvalidArgumentError(`invalid ${name}: ${(err as Error).message}`);
  }
  if (raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new InvalidArgumentError(`invalid ${name}: expected a JSON object`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === null) continue;
    if (typeof v !== 'string') throw new InvalidArgumentError(`invalid ${name}: ${k} must be a string`);
    out[k] = v;
  }
  return out;
}
// #endregion build-string-map
