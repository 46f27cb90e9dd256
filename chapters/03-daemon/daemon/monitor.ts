// monitor.ts — what the daemon does when a container's program ends.

import type { ExitRecord, Shim } from '../shim/index.js';
import type { Container } from './container.js';
import type { DaemonContext } from './context.js';
import { networked } from './networking.js';
import { pathsOf } from './paths.js';
import { destroy } from './remove.js';
import { restartDelay, shouldRestart } from './restart-policy.js';

// #region watch
/** Starts the container again (start.ts's startContainer, passed in so that this file need not import it). */
export type Restarter = (c: Container) => Promise<void>;

export function watch(ctx: DaemonContext, c: Container, shim: Shim, restart: Restarter): void {
  void shim.exited
    .catch((err: Error): ExitRecord => ({ exitCode: 255, oomKilled: false, startedAt: c.state.StartedAt, finishedAt: new Date().toISOString(), lost: err.message } as ExitRecord))
    .then((exit) => c.exclusive(() => recordExit(ctx, c, shim, exit, restart)))
    .catch((err: Error) => ctx.warn(`container ${c.id}: recording its exit failed: ${err.stack ?? err.message}`));
}
// #endregion watch

// #region record-exit
async function recordExit(ctx: DaemonContext, c: Container, shim: Shim, exit: ExitRecord & { lost?: string }, restart: Restarter): Promise<void> {
  if (c.shim === shim) c.shim = undefined;
  shim.close();
  await ctx.networking.detach(networked(c)).catch((err: Error) => ctx.warn(`container ${c.id}: network teardown: ${err.message}`));
  await ctx.engine.containers.unmount(pathsOf(ctx, c)).catch((err: Error) => ctx.warn(`container ${c.id}: unmount: ${err.message}`));
  const s = c.state;
  Object.assign(s, {
    Status: 'exited', Running: false, Paused: false, Restarting: false, Pid: 0,
    ExitCode: exit.exitCode, OOMKilled: exit.oomKilled, FinishedAt: exit.finishedAt, Error: exit.lost ?? '',
  });
  const again = !c.removing && !c.destroyed && shouldRestart(c.record, exit.exitCode);
  if (again) {
    Object.assign(s, { Status: 'restarting', Restarting: true });
    c.record.RestartCount++;
  }
  // A container removed on exit keeps this record for milliseconds: a crash
  // of the machine that lost it would lose nothing, so no fsyncs (two, on
  // `docker run --rm`'s critical path).
  const removeNext = !again && !!c.record.HostConfig.AutoRemove && !c.removing;
  c.save({ durable: !removeNext });
  ctx.events.log('container', 'die', c.id, c.eventAttributes({ exitCode: String(exit.exitCode) }));
  c.waiters.exited({ StatusCode: exit.exitCode, Error: null });
  if (again) scheduleRestart(ctx, c, restart);
  else if (removeNext) await destroy(ctx, c, true);
}
// #endregion record-exit

// #region schedule-restart
function scheduleRestart(ctx: DaemonContext, c: Container, restart: Restarter): void {
  const ran = Date.parse(c.state.FinishedAt) - Date.parse(c.state.StartedAt);
  c.restartDelayMs = restartDelay(c.restartDelayMs, Number.isNaN(ran) ? 0 : ran);
  c.restartTimer = setTimeout(() => {
    c.restartTimer = undefined;
    restart(c).catch((err: Error) => {
      c.cancelRestart();
      c.state.Error = err.message;
      c.save();
      ctx.warn(`container ${c.id}: restart by its policy failed: ${err.message}`);
    });
  }, c.restartDelayMs);
}
// #endregion schedule-restart
