// routes.ts — /containers/{id}/exec and /exec/…: running another program in a container.
//
// `docker exec` is three requests: create (the config, checked; an id
// back), start (hijacked, like attach, with its options as a JSON body
// at the front of the raw stream), and inspect, whose ExitCode becomes the
// CLI's own. So the exit code must be recorded before the stream ends.

import * as v from 'valibot';
import { checkForJson, parseJson, readJson } from '../../httputils/body.js';
import { hijack } from '../../httputils/hijack.js';
import { intValue } from '../../httputils/query.js';
import { MULTIPLEXED, RAW, streamWriter } from '../../httputils/stdcopy.js';
import { compareVersions } from '../../middleware/version.js';
import { checkJson } from '../../../types/container-config.js';
import { route, type RouteContext, type Router } from '../route.js';
import type { ExecBackend } from './backend.js';

// #region exec-routes
const ExecStartSchema = v.looseObject({
  Detach: v.optional(v.nullable(v.boolean())),
  Tty: v.optional(v.nullable(v.boolean())),
  ConsoleSize: v.optional(v.nullable(v.array(v.number()))),
});

export class ExecRouter implements Router {
  constructor(private readonly backend: ExecBackend) {}

  routes() {
    return [
      route('POST', '/containers/:id/exec', async (ctx) => {
        checkForJson(ctx.req);
        ctx.reply.json(201, await this.backend.containerExecCreate(ctx.params.id!, await readJson(ctx.req)));
      }),
      route('POST', '/exec/:id/start', (ctx) => this.start(ctx)),
      route('POST', '/exec/:id/resize', async (ctx) => {
        await this.backend.containerExecResize(ctx.params.id!, intValue(ctx.query, 'h', 0), intValue(ctx.query, 'w', 0));
        ctx.reply.empty(200);
      }),
      route('GET', '/exec/:id/json', (ctx) => ctx.reply.json(200, this.backend.containerExecInspect(ctx.params.id!))),
    ];
  }
  // #endregion exec-routes

  // #region exec-start
  private async start(ctx: RouteContext): Promise<void> {
    const taken = await hijack(ctx);
    const options = checkJson(ExecStartSchema, parseJson(taken.body), 'ExecStartCheck');
    let begun = false;
    try {
      await this.backend.containerExecStart(ctx.params.id!, {
        detach: !!options.Detach, tty: !!options.Tty, signal: ctx.signal,
        consoleSize: options.ConsoleSize?.length === 2 ? [options.ConsoleSize[0]!, options.ConsoleSize[1]!] : undefined,
        streams: (multiplexed) => {
          begun = true;
          const type = multiplexed && compareVersions(ctx.version, '1.42') >= 0 ? MULTIPLEXED : RAW;
          const { input, output } = taken.begin(type);
          return { stdin: input, stdout: streamWriter(output, 'stdout', multiplexed), stderr: streamWriter(output, 'stderr', multiplexed) };
        },
      });
    } catch (err) {
      if (!begun) throw err;
    }
    if (begun) taken.end();
    else ctx.reply.empty(204); // detached: started, nothing to stream
  }
  // #endregion exec-start
}
