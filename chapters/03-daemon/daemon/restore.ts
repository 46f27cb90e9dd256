// restore.ts — a daemon starting over the containers a previous one left.
//
// Containers outlive their daemon: each has a shim, detached in a session
// of its own, that holds its stdio and will record its exit. So a daemon
// that starts — after a clean stop, or a kill -9 — reads every record and,
// for each container the record says runs, asks its shim: if one answers,
// the container is re-attached (its exit will be recorded as if nothing
// had happened); if none does, the container exited meanwhile, and the
// shim's exit.json says how. Then, as moby does, the restart policies and
// AutoRemove act on what is not running.

import { connectShim, readExit } from '../shim/index.js';
import type { Container } from './container.js';
import type { DaemonContext } from './context.js';
import { watch, type Restarter } from './monitor.js';
import { pathsOf, shimDir } from './paths.js';
import { destroy } from './remove.js';
import { restartsOnDaemonStart } from './restart-policy.js';

// #region restore
export async function restoreContainers(ctx: DaemonContext, restart: Restarter): Promise<void> {
  await Promise.all(ctx.containers.all().filter((c) => c.state.Running || c.state.Restarting).map((c) => reattach(ctx, c, restart)));
  for (const c of ctx.containers.all()) {
    if (c.state.Running) continue;
    if (c.record.HostConfig.AutoRemove && c.record.HasBeenStartedBefore) {
      await destroy(ctx, c, true).catch((err: Error) => ctx.warn(`container ${c.id}: AutoRemove: ${err.message}`));
    } else if (restartsOnDaemonStart(c.record)) {
      restart(c).catch((err: Error) => ctx.warn(`container ${c.id}: restart on daemon start: ${err.message}`));
    }
  }
}
// #endregion restore

// #region reattach
async function reattach(ctx: DaemonContext, c: Container, restart: Restarter): Promise<void> {
  const dir = shimDir(ctx, c);
  const shim = await connectShim(dir).catch(() => undefined);
  if (shim && c.state.Running) {
    c.shim = shim;
    c.state.Pid = shim.pid;
    watch(ctx, c, shim, restart);
    return;
  }
  shim?.close();
  // No shim: the container exited while no daemon was there to see it.
  const exit = readExit(dir);
  await ctx.engine.containers.unmount(pathsOf(ctx, c)).catch(() => {});
  Object.assign(c.state, {
    Status: 'exited', Running: false, Paused: false, Restarting: false, Pid: 0,
    ExitCode: exit?.exitCode ?? 255, OOMKilled: exit?.oomKilled ?? false, FinishedAt: exit?.finishedAt ?? new Date().toISOString(),
    Error: exit ? '' : 'the container exited while the daemon was down, and its exit was not recorded',
  });
  c.save();
  ctx.events.log('container', 'die', c.id, c.eventAttributes({ exitCode: String(c.state.ExitCode) }));
}
// #endregion reattach
