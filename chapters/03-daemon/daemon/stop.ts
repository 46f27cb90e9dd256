// stop.ts — signals: kill, and stop (a polite signal, then SIGKILL).

import { constants } from 'node:os';
import { ConflictError, InvalidArgumentError, parseSignal, resume, RuntimeError } from '../../01-namespaces/index.js';
import { NotModifiedError } from '../api/index.js';
import type { Container } from './container.js';
import type { DaemonContext } from './context.js';

// #region signal-of
/** `SIGHUP`, `HUP`, `1`: a signal Node knows, or a 400 in moby's words. */
export function signalOf(text: string): NodeJS.Signals {
  try {
    return parseSignal(text);
  } catch (err) {
    if (err instanceof RuntimeError) throw new InvalidArgumentError(`Invalid signal: ${text}`);
    throw err;
  }
}

// #endregion signal-of

// #region kill-container
/**
 * `docker kill`: the signal, sent through the shim. A user's kill is a
 * user's stop, which no restart policy undoes (moby marks the container
 * manually stopped). SIGKILL returns once the exit is recorded.
 */
export async function killContainer(ctx: DaemonContext, c: Container, signalText: string, reference = c.name): Promise<void> {
  const signal = signalOf(signalText);
  const running = await markStopped(c, () => {
    if (c.state.Paused && signal !== 'SIGKILL') throw new ConflictError(`Container ${c.id} is paused. Unpause the container before stopping or killing`);
  }, () => new ConflictError(`Cannot kill container: ${reference}: Container ${c.id} is not running`));
  if (!running) return;
  await sendSignal(ctx, c, signal);
  if (signal === 'SIGKILL') await running.exited;
}
// #endregion kill-container

// #region mark-stopped
/**
 * Under the container's lock — so that a start in progress, a restart by
 * the policy among them, finishes first — the container is marked stopped
 * by its user. One waiting to be restarted is simply not restarted; one
 * running gets a promise of its next exit, to send it signals; one not
 * running is `notRunning()`'s error.
 */
function markStopped(c: Container, check: () => void, notRunning: () => Error): Promise<{ exited: Promise<unknown> } | undefined> {
  return c.exclusive(async () => {
    if (c.state.Restarting && !c.state.Running) {
      c.record.HasBeenManuallyStopped = true;
      c.cancelRestart();
      return undefined;
    }
    if (!c.state.Running || !c.shim) throw notRunning();
    check();
    c.record.HasBeenManuallyStopped = true;
    c.save();
    return { exited: c.waiters.next('next-exit') }; // in a box: a promise returned would be awaited, under the lock
  });
}
// #endregion mark-stopped

// #region send-signal
/** Sends `signal`; a container that exited meanwhile is not an error. A frozen one is thawed, or SIGKILL would wait for ever. */
async function sendSignal(ctx: DaemonContext, c: Container, signal: NodeJS.Signals): Promise<void> {
  const shim = c.shim;
  if (!shim) return;
  ctx.events.log('container', 'kill', c.id, c.eventAttributes({ signal: String(constants.signals[signal]) }));
  try {
    await shim.kill(signal);
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
  }
  if (c.state.Paused && signal === 'SIGKILL') await thaw(ctx, c);
}
// #endregion send-signal

// #region stop
/**
 * `docker stop`: the container's StopSignal (SIGTERM unless the image or
 * the request says otherwise), then SIGKILL once `timeout` seconds have
 * passed. A PID 1 has no default action for SIGTERM (the kernel's rule for
 * init processes), so a program that does not handle it is killed at the
 * deadline: exit code 137, 128 + 9.
 */
export async function stopContainer(ctx: DaemonContext, c: Container, options: { signal?: string; timeout?: number }): Promise<void> {
  const signal = signalOf(options.signal ?? c.record.Config.StopSignal ?? 'SIGTERM');
  const timeout = options.timeout ?? c.record.Config.StopTimeout ?? 10;
  const running = await markStopped(c, () => {}, () => new NotModifiedError('Container already stopped'));
  if (!running) return;
  const { exited } = running;
  await sendSignal(ctx, c, signal);
  if (c.state.Paused) await thaw(ctx, c);
  if (timeout >= 0 && !(await within(exited, timeout * 1000))) await sendSignal(ctx, c, 'SIGKILL');
  await exited;
  ctx.events.log('container', 'stop', c.id, c.eventAttributes());
}

/** Whether `promise` settles within `ms`. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const settled = await Promise.race([promise.then(() => true), late]);
  clearTimeout(timer);
  return settled;
}
// #endregion stop

// #region thaw
/** Unfreezes the cgroup (chapter 01's resume), so that a signal already sent is acted on. */
async function thaw(ctx: DaemonContext, c: Container): Promise<void> {
  try {
    await resume(c.id, { stateRoot: ctx.engine.containers.stateRoot });
  } catch {
    // exited meanwhile
  }
  c.state.Paused = false;
}
// #endregion thaw
