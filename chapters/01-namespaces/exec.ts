// exec.ts — one more process in a running container.
//
// `exec` is a second, smaller init: it joins the namespaces of the
// container's PID 1 instead of making new ones, joins its cgroup, takes on
// the same limits, capabilities and user as the container's own process
// (unless told otherwise), and execs. The parent does for it what it did
// for the first init: setns into the container's PID namespace, spawn,
// step back.

import { closeSync } from 'node:fs';
import { joinFiles } from './cgroups.js';
import { parseContainerId } from './container-id.js';
import { exitStatus, waitUntilReady, type Stdio } from './container.js';
import { ConflictError, InvalidArgumentError } from './errors.js';
import { spawnInit } from './init-process.js';
import { forwardSignals } from './signals.js';
import type { NamespaceType, ProcessSpec } from './spec.js';
import { DEFAULT_STATE_ROOT, observeStatus, readState } from './state.js';
import { relayTerminal, type Relay } from './terminal.js';

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

export interface ExecOptions {
  stateRoot?: string;
  stdio?: Stdio;
}

// #region exec
export async function exec(idText: string, proc: ExecProcess, { stateRoot = DEFAULT_STATE_ROOT, stdio }: ExecOptions = {}): Promise<number> {
  const id = parseContainerId(idText);
  const stored = readState(stateRoot, id);
  if (observeStatus(stateRoot, stored).status !== 'running') throw new ConflictError(`container ${JSON.stringify(id)} is not running`);
  const processSpec = execProcessSpec(stored.spec.process, proc);
  const namespaces = (stored.spec.linux?.namespaces ?? []).map((ns) => ns.type).filter((t): t is NamespaceType => t !== 'pid');
  const hasPidNamespace = stored.spec.linux?.namespaces?.some((ns) => ns.type === 'pid');

  const init = spawnInit(
    hasPidNamespace ? { kind: 'join', path: `/proc/${stored.pid}/ns/pid` } : { kind: 'host' },
    processSpec.terminal ? ['ignore', 'inherit', 'inherit'] : stdio,
  );
  init.sync.send({ kind: 'exec', pid: stored.pid, namespaces, process: processSpec, cgroupJoin: stored.cgroup ? joinFiles(stored.cgroup) : [] });
  const stopForwarding = forwardSignals(init.pid);
  let console: number | undefined;
  let relay: Relay | undefined;
  try {
    console = await waitUntilReady(init);
    relay = console !== undefined ? relayTerminal(console) : undefined;
    const exit = await init.exited;
    if (relay) await Promise.race([relay.drained, new Promise((r) => setTimeout(r, 1000))]);
    return exitStatus(exit);
  } finally {
    stopForwarding();
    relay?.stop();
    if (console !== undefined) closeSync(console);
  }
}
// #endregion exec
