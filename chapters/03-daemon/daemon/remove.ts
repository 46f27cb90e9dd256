// remove.ts — `docker rm`, and the removal AutoRemove does after an exit.

import { ConflictError } from '../../01-namespaces/index.js';
import type { Container } from './container.js';
import type { DaemonContext } from './context.js';
import { killContainer } from './stop.js';

// #region remove
/** A running container only with force: killed first, its exit recorded, then removed. */
export async function removeContainer(ctx: DaemonContext, c: Container, { force, removeVolumes }: { force: boolean; removeVolumes: boolean }): Promise<void> {
  if (c.state.Running && !force) {
    throw new ConflictError(`You cannot remove a running container ${c.id}. Stop the container before attempting removal or force remove`);
  }
  if (c.removing) throw new ConflictError(`removal of container ${c.name} is already in progress`);
  c.removing = true;
  try {
    if (c.state.Running || c.state.Restarting) await killContainer(ctx, c, 'SIGKILL').catch(() => {});
    c.cancelRestart();
    await c.exclusive(() => destroy(ctx, c, removeVolumes));
  } finally {
    c.removing = false;
  }
}

/**
 * Everything of a container goes — record, layer, mount, logs, and with
 * `removeVolumes` its anonymous volumes — then whoever waited for `removed` hears of it.
 */
export async function destroy(ctx: DaemonContext, c: Container, removeVolumes: boolean): Promise<void> {
  if (c.destroyed) return;
  c.destroyed = true;
  c.state.Status = 'removing';
  for (const pending of c.pendingAttaches) pending.cancel();
  c.pendingAttaches.clear();
  await ctx.engine.containers.remove(c.id, { force: true, volumes: false });
  ctx.containers.delete(c);
  // Only once the container is gone is a volume it used no longer in use.
  if (removeVolumes) ctx.volumes.removeAnonymous(c.record.Mounts.flatMap((m) => (m.Name ? [m.Name] : [])));
  ctx.events.log('container', 'destroy', c.id, c.eventAttributes());
  c.waiters.removed({ StatusCode: c.state.ExitCode, Error: null });
}
// #endregion remove
