// index.ts — the shim, as the daemon uses it.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError } from '../../01-namespaces/index.js';
import { ShimClient, type Shim } from './client.js';
import { ControlConnection, ShimGoneError } from './connection.js';
import { launchShim } from './launch.js';
import type { ShimPool } from './pool.js';
import type { ShimSpec } from './protocol.js';

// #region exports
export type { Shim, ShimExec } from './client.js';
export type { ShimSpec } from './protocol.js';
export { readExit, type ExitRecord } from './exit-record.js';
export { readLogs, type LogEntry, type LogQuery } from './log-reader.js';
export { ShimPool, type ShimPoolOptions } from './pool.js';
export { FrameDecoder, STDERR, STDOUT, type Frame } from './frames.js';
// #endregion exports

// #region spawn
/**
 * Starts a shim for a new container (a warm one from `pool` if given) and
 * has it create the container: resolves once created, with init waiting
 * for start(). Rejects with chapter 01's RuntimeError (127 and "executable
 * file not found", 126 and "permission denied", ...) if creation fails;
 * the shim has then undone what it made and exited.
 */
export async function spawnShim(spec: ShimSpec, options: { pool?: ShimPool } = {}): Promise<Shim> {
  const live = await connectShim(spec.dir);
  if (live) {
    live.close();
    throw new ConflictError(`a shim is already running in ${spec.dir}`);
  }
  const pool = options.pool;
  const control = (await pool?.take()) ?? (await launchShim(join(spec.dir, 'shim.sock')));
  control.hold(true);
  let shim: ShimClient;
  try {
    const { pid } = await control.request<{ pid: number }>({ op: 'create', spec });
    shim = new ShimClient(spec.dir, control, pid);
  } catch (err) {
    control.close();
    pool?.refill();
    throw err;
  }
  if (!pool) return shim;
  // The pool refills once this container's start is on its way: spawning a
  // shim holds the caller's thread for a fork and an exec, which would
  // otherwise come before that very start.
  const start = shim.start;
  shim.start = () => {
    const started = start();
    pool.refill();
    return started;
  };
  return shim;
}
// #endregion spawn

// #region connect
/** The live shim in `dir`, for a daemon that restarted; undefined if none answers (the container has exited). */
export async function connectShim(dir: string): Promise<Shim | undefined> {
  const path = join(dir, 'shim.sock');
  if (!existsSync(path)) return undefined;
  let control: ControlConnection;
  try {
    control = await ControlConnection.open(path);
  } catch {
    return undefined; // a socket file left by a shim that died
  }
  try {
    const { pid } = await control.request<{ pid: number }>({ op: 'info' });
    return new ShimClient(dir, control, pid);
  } catch (err) {
    control.close();
    if (err instanceof ShimGoneError) return undefined; // it exited as we asked
    throw err;
  }
}
// #endregion connect
