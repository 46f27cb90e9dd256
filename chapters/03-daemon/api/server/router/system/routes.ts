// routes.ts — /_ping, /version, /info, /events, /system/df.

import { InvalidArgumentError } from '../../../../../01-namespaces/index.js';
import { parseFilters } from '../../httputils/query.js';
import { API_VERSION } from '../../middleware/version.js';
import { responseOf, route, type RouteContext, type Router } from '../route.js';
import type { SystemBackend } from './backend.js';

// #region system-routes
export class SystemRouter implements Router {
  constructor(private readonly backend: SystemBackend) {}

  routes() {
    return [
      route('GET', '/_ping', (ctx) => this.ping(ctx)),
      route('HEAD', '/_ping', (ctx) => this.ping(ctx)),
      route('GET', '/version', (ctx) => ctx.reply.json(200, this.backend.systemVersion())),
      route('GET', '/info', async (ctx) => ctx.reply.json(200, await this.backend.systemInfo())),
      route('GET', '/system/df', async (ctx) => ctx.reply.json(200, await this.backend.systemDiskUsage())),
      route('GET', '/events', (ctx) => this.events(ctx)),
    ];
  }
  // #endregion system-routes

  // #region ping
  /**
   * The first request of every docker CLI command. `Api-Version` is what the
   * CLI negotiates with: without it, it falls back to API 1.24 and older
   * code paths (events instead of wait).
   */
  private ping(ctx: RouteContext): void {
    const res = responseOf(ctx);
    res.writeHead(200, {
      'Api-Version': API_VERSION,
      Ostype: 'linux',
      'Docker-Experimental': 'false',
      'Builder-Version': '1',
      Swarm: 'inactive',
      'Cache-Control': 'no-cache, no-store, must-revalidate',
      Pragma: 'no-cache',
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': ctx.req.method === 'HEAD' ? '0' : '2',
    });
    res.end(ctx.req.method === 'HEAD' ? undefined : 'OK');
  }
  // #endregion ping

  // #region events
  /**
   * A stream of JSON objects, one per event, for as long as the client
   * listens or until `until`. With `since`, the kept events from then are
   * replayed first. Headers go out at once: the CLI waits for them.
   */
  private events(ctx: RouteContext): Promise<void> {
    const since = parseTimestamp(ctx.query.get('since'), 'since');
    const until = parseTimestamp(ctx.query.get('until'), 'until');
    const res = responseOf(ctx);
    const send = (m: unknown) => res.write(`${JSON.stringify(m)}\n`);
    const subscription = this.backend.subscribeToEvents({ since, until, filters: parseFilters(ctx.query) }, send);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = () => {
        subscription.cancel();
        clearTimeout(timer);
        res.end();
        resolve();
      };
      subscription.past.forEach(send);
      const now = Date.now() * 1e6;
      if (until !== undefined && until <= now) return finish();
      if (until !== undefined) timer = setTimeout(finish, (until - now) / 1e6);
      ctx.signal.addEventListener('abort', finish, { once: true });
    });
  }
  // #endregion events
// #region parse-timestamp
}

/** `since`/`until`: unix seconds with an optional fraction (the CLI turns `10m` into one), as nanoseconds. */
function parseTimestamp(text: string | null, name: string): number | undefined {
  if (text === null || text === '') return undefined;
  if (/^\d+(\.\d{1,9})?$/.test(text)) {
    const [secs, frac = ''] = text.split('.');
    return Number(secs) * 1e9 + Number(frac.padEnd(9, '0'));
  }
  const parsed = Date.parse(text);
  if (Number.isNaN(parsed)) throw new InvalidArgumentError(`invalid value for ${name}: ${text}`);
  return parsed * 1e6;
}
// #endregion parse-timestamp
