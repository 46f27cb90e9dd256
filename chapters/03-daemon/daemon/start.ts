// start.ts — a created or exited container, running: its root mounted, a shim, the program released (moby's daemon/start.go).

import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError, InvalidArgumentError, parseContainerId, RuntimeError } from '../../01-namespaces/index.js';
import { NotModifiedError } from '../api/index.js';
import { spawnShim, type Shim, type ShimSpec } from '../shim/index.js';
import type { Container } from './container.js';
import type { DaemonContext } from './context.js';
import { watch } from './monitor.js';
import { networked, portsWanted, wired } from './networking.js';
import { pathsOf, shimDir } from './paths.js';
import { destroy } from './remove.js';

// #region start
export async function startContainer(ctx: DaemonContext, c: Container, { policy = false } = {}): Promise<void> {
  await c.exclusive(async () => {
    if (c.removing || c.destroyed) throw new ConflictError(`container ${c.id} is marked for removal and cannot be started`);
    if (c.state.Paused) throw new ConflictError('cannot start a paused container, try unpause instead');
    if (c.state.Running) throw new NotModifiedError('container already started');
    if (policy && c.record.HasBeenManuallyStopped) return; // stopped by its user while it waited to restart
    if (c.state.Restarting && !policy) c.cancelRestart();
    try {
      await run(ctx, c);
    } catch (err) {
      await failed(ctx, c, err as Error);
      throw err;
    }
    if (!policy) c.restartDelayMs = 0;
  });
}
// #endregion start

// #region run
async function run(ctx: DaemonContext, c: Container): Promise<void> {
  if (c.record.StartError) throw startError(c.record.StartError.message, c.record.StartError.exitCode);
  const paths = pathsOf(ctx, c);
  await ctx.engine.containers.mount(paths);
  let shim: Shim;
  try {
    // Docker's marker that a program runs in a container (moby writes it at every start).
    if (!existsSync(join(paths.rootfs, '.dockerenv'))) writeFileSync(join(paths.rootfs, '.dockerenv'), '');
    shim = await spawnShim(shimSpec(ctx, c), { pool: ctx.shimPool });
  } catch (err) {
    await ctx.engine.containers.unmount(paths).catch(() => {});
    if (err instanceof RuntimeError) throw startError(err.message, err.exitCode);
    throw err;
  }
  try {
    // Created, not started: PID 1 holds the new network namespace, and waits while the cables go in.
    if (wired(c)) await ctx.networking.attach(networked(c), shim.pid, portsWanted(c));
    for (const pending of c.pendingAttaches) await pending.connect(shim).catch(() => pending.cancel());
    c.pendingAttaches.clear();
    c.state.StartedAt = new Date().toISOString();
    await shim.start();
  } catch (err) {
    await shim.kill('SIGKILL').catch(() => {});
    await shim.exited.catch(() => {});
    shim.close();
    await ctx.networking.detach(networked(c)).catch(() => {});
    await ctx.engine.containers.unmount(paths).catch(() => {});
    throw err;
  }
  running(ctx, c, shim);
}
// #endregion run

// #region running
/** The record says so, the clients hear of it, and the daemon watches for the exit. */
function running(ctx: DaemonContext, c: Container, shim: Shim): void {
  c.shim = shim;
  Object.assign(c.state, { Status: 'running', Running: true, Paused: false, Restarting: false, Pid: shim.pid, ExitCode: 0, Error: '', OOMKilled: false });
  c.record.HasBeenStartedBefore = true;
  c.record.HasBeenManuallyStopped = false;
  c.save();
  ctx.events.log('container', 'start', c.id, c.eventAttributes());
  watch(ctx, c, shim, (again) => startContainer(ctx, again, { policy: true }));
}
// #endregion running

// #region shim-spec
function shimSpec(ctx: DaemonContext, c: Container): ShimSpec {
  const config = c.record.Config;
  const size = c.record.HostConfig.ConsoleSize;
  return {
    id: parseContainerId(c.id),
    bundle: pathsOf(ctx, c).bundle,
    stateRoot: ctx.engine.containers.stateRoot,
    dir: shimDir(ctx, c),
    logPath: c.record.LogPath,
    tty: !!config.Tty,
    openStdin: !!config.OpenStdin,
    stdinOnce: !!config.StdinOnce,
    consoleSize: size && size[0]! > 0 && size[1]! > 0 ? [size[0]!, size[1]!] : undefined,
  };
}
// #endregion shim-spec

// #region start-failed
/**
 * Docker's words for a program that cannot start. The docker CLI reads
 * them: "executable file not found" or "no such file or directory" make
 * `docker run` exit 127, "permission denied" 126, anything else 125.
 */
function startError(message: string, exitCode: number): RuntimeError {
  return new InvalidArgumentError(`failed to create task for container: OCI runtime create failed: unable to start container process: ${message}: unknown`, exitCode);
}

/** The container stays as it was (created, or exited), with the reason; with AutoRemove it goes. */
async function failed(ctx: DaemonContext, c: Container, err: Error): Promise<void> {
  if (c.destroyed) return;
  c.state.Error = err.message;
  c.state.Restarting = false;
  if (c.state.Status === 'restarting') c.state.Status = 'exited';
  const code = err instanceof RuntimeError ? err.exitCode : 128;
  c.state.ExitCode = code === 126 || code === 127 ? code : 128;
  c.save();
  if (c.record.HostConfig.AutoRemove) await destroy(ctx, c, true);
}
// #endregion start-failed
