// restore.ts — a daemon starting over the containers a previous one left.

import { connectShim, readExit } from '../shim/index.js';
import type { Container } from './container.js';
import type { DaemonContext } from './context.js';
import { watch, type Restarter } from './monitor.js';
import { networked } from './networking.js';
import { pathsOf, shimDir } from './paths.js';
import { destroy } from './remove.js';
import { restartsOnDaemonStart } from './restart-policy.js';
import { startContainer } from './start.js';

// #region restore
export async function restoreContainers(ctx: DaemonContext): Promise<void> {
  const restart: Restarter = (c) => startContainer(ctx, c, { policy: true });
  await Promise.all(ctx.containers.all().filter((c) => c.state.Running || c.state.Restarting).map((c) => reattach(ctx, c, restart)));
  // Addresses of containers that died with the daemon are free again; the running keep theirs.
  ctx.networking.reconcile(new Set(ctx.containers.all().filter((c) => c.state.Running).map((c) => c.id)));
  for (const c of ctx.containers.all()) {
    if (c.state.Running) continue;
    if (c.record.HostConfig.AutoRemove && c.record.HasBeenStartedBefore) {
      await destroy(ctx, c, true).catch((err: Error) => ctx.warn(`container ${c.id}: AutoRemove: ${err.message}`));
    } else if (restartsOnDaemonStart(c.record)) {
      // Started as a user would: even an `always` container its user had stopped runs again, and is then stopped by no one.
      startContainer(ctx, c).catch((err: Error) => ctx.warn(`container ${c.id}: restart on daemon start: ${err.message}`));
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
    await ctx.networking.resume(networked(c), shim.pid).catch((err: Error) => ctx.warn(`container ${c.id}: ports, names and DNS: ${err.message}`));
    watch(ctx, c, shim, restart);
    return;
  }
  shim?.close();
  // No shim: the container exited while no daemon was there to see it.
  const exit = readExit(dir);
  await ctx.networking.detach(networked(c)).catch(() => {});
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
