// exec.ts — one more process in a running container.

import { closeSync } from 'node:fs';
import { joinFiles } from './cgroups.js';
import { parseContainerId } from './container-id.js';
import { exitStatus, waitUntilReady, type ProcessExit, type Stdio } from './container.js';
import { ConflictError, InvalidArgumentError, RuntimeError } from './errors.js';
import { spawnInit } from './init-process.js';
import { forwardSignals } from './signals.js';
import type { NamespaceType, ProcessSpec } from './spec.js';
import { DEFAULT_STATE_ROOT, observeStatus, readState } from './state.js';
import { relayTerminal } from './terminal.js';

// #region exec-process
/** The parts of an OCI `process` an exec may set; the rest comes from the container's. */
export interface ExecProcess {
  args: string[];
  env?: string[];
  cwd?: string;
  terminal?: boolean;
  user?: { uid: number; gid: number; additionalGids?: number[] };
}

/** Variables given to exec replace the container's of the same name. */
function mergeEnv(base: string[], extra: string[]): string[] {
  const name = (entry: string) => entry.split('=', 1)[0];
  const overridden = new Set(extra.map(name));
  return [...base.filter((entry) => !overridden.has(name(entry))), ...extra];
}

function execProcessSpec(container: ProcessSpec, proc: ExecProcess): ProcessSpec {
  if (!proc.args.length) throw new InvalidArgumentError('exec: no command given');
  return {
    ...container,
    args: proc.args,
    env: mergeEnv(container.env ?? [], proc.env ?? []),
    cwd: proc.cwd ?? container.cwd,
    terminal: proc.terminal ?? false,
    user: proc.user ?? container.user,
  };
}
// #endregion exec-process

// #region exec-options
export interface ExecOptions {
  stateRoot?: string;
  /** The process's stdin, stdout, stderr (without a terminal): our own, or descriptors to hand over. */
  stdio?: Stdio;
  /** With `terminal`: receives the pty master, instead of it being relayed to our own terminal. */
  onConsole?: (master: number) => void;
  /** The terminal's size, [rows, columns]; default: our own terminal's, if any. */
  windowSize?: [rows: number, columns: number];
}

/** A process started in a container: its pid on the host, and how it ends. */
export interface ExecStarted {
  pid: number;
  exited: Promise<ProcessExit>;
}
// #endregion exec-options

// #region start-exec
/**
 * Starts the process and resolves once it runs, or rejects with the reason
 * it cannot (a RuntimeError: 127 for a program that is not there). We are
 * its parent, so `exited` is ours to learn; a terminal, if any, goes to
 * `onConsole` and nowhere else.
 */
export async function startExec(idText: string, proc: ExecProcess, options: ExecOptions = {}): Promise<ExecStarted> {
  const { stateRoot = DEFAULT_STATE_ROOT, stdio, onConsole, windowSize } = options;
  const id = parseContainerId(idText);
  const stored = readState(stateRoot, id);
  if (observeStatus(stateRoot, stored).status !== 'running') throw new ConflictError(`container ${JSON.stringify(id)} is not running`);
  const processSpec = execProcessSpec(stored.spec.process, proc);
  if (processSpec.terminal && !onConsole) throw new RuntimeError('exec: a terminal needs someone to hold it (onConsole)');
  const namespaces = (stored.spec.linux?.namespaces ?? []).map((ns) => ns.type).filter((t): t is NamespaceType => t !== 'pid');
  const hasPidNamespace = stored.spec.linux?.namespaces?.some((ns) => ns.type === 'pid');
  // The container's seccomp filter binds its exec'd processes too (loaded only when there is one).
  const seccomp = stored.spec.linux?.seccomp && (await import('./seccomp/index.js')).seccompFilterOf(stored.spec.linux.seccomp);

  // In a user namespace, nsenter(1) starts init in it (see user-namespace.ts).
  const user = namespaces.includes('user') ? { kind: 'join' as const, path: `/proc/${stored.pid}/ns/user` } : undefined;
  const init = spawnInit(
    hasPidNamespace ? { kind: 'join', path: `/proc/${stored.pid}/ns/pid` } : { kind: 'host' },
    processSpec.terminal ? ['ignore', 'inherit', 'inherit'] : stdio,
    user,
  );
  const cgroupJoin = stored.cgroup ? joinFiles(stored.cgroup) : [];
  init.sync.send({ kind: 'exec', pid: stored.pid, namespaces, process: processSpec, cgroupJoin, seccomp, userNamespace: Boolean(user) });
  const console = await waitUntilReady(init, windowSize, undefined, user && { cgroupJoin });
  if (console !== undefined) onConsole!(console);
  return { pid: init.pid, exited: init.exited };
}
// #endregion start-exec

// #region exec
/** `skiff-runtime exec`: the process in the foreground, its terminal relayed to ours; resolves with its exit status. */
export async function exec(idText: string, proc: ExecProcess, { stateRoot, stdio }: Pick<ExecOptions, 'stateRoot' | 'stdio'> = {}): Promise<number> {
  let console: number | undefined;
  const started = await startExec(idText, proc, { stateRoot, stdio, onConsole: (master) => (console = master) });
  const stopForwarding = forwardSignals(started.pid);
  const relay = console !== undefined ? relayTerminal(console) : undefined;
  try {
    const exit = await started.exited;
    if (relay) await Promise.race([relay.drained, new Promise((r) => setTimeout(r, 1000))]);
    return exitStatus(exit);
  } finally {
    stopForwarding();
    relay?.stop();
    if (console !== undefined) closeSync(console);
  }
}
// #endregion exec
