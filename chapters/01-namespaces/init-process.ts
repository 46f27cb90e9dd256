// init-process.ts — starting init inside the container's PID namespace (`man 7 pid_namespaces`).

import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CLONE, setns, unshare } from './libc.js';
import { withReadonlyRuntime } from './readonly-runtime.js';
import { SyncPipe } from './sync-pipe.js';
import { traceEnvironment } from './trace.js';
import { userNamespaceTool, type UserNamespace } from './user-namespace.js';
import type { Duplex } from 'node:stream';

// #region init-command
/**
 * Init as built next to this file: bundled into one CommonJS file
 * (bundle-processes.ts), or as tsc compiled it; when running from
 * TypeScript sources (tests under tsx), the .ts file through tsx's loader.
 */
function initCommand(): string[] {
  for (const built of ['./init.cjs', './init.js']) {
    const file = fileURLToPath(new URL(built, import.meta.url));
    if (existsSync(file)) return [file];
  }
  const source = fileURLToPath(new URL('./init.ts', import.meta.url));
  return ['--import', import.meta.resolve('tsx'), source];
}
// #endregion init-command

// #region init-process
/** Where init's new PID namespace comes from. */
export type PidNamespace = { kind: 'new' } | { kind: 'join'; path: string } | { kind: 'host' };

export type Stdio = 'inherit' | [number | 'ignore' | 'inherit', number | 'ignore' | 'inherit', number | 'ignore' | 'inherit'];

export interface InitProcess {
  child: ChildProcess;
  /** Host pid of init (with a user namespace: the tool's, until init tells its own). */
  pid: number;
  sync: SyncPipe;
  /** Resolves with how init (later: the program it became) ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}
// #endregion init-process

// #region spawn-init
/**
 * With a user namespace, a tool makes it (and the new PID namespace) before
 * Node starts; `pid` is then the tool's until init tells its own.
 */
export function spawnInit(pidNamespace: PidNamespace, stdio: Stdio = 'inherit', user?: UserNamespace): InitProcess {
  const streams = [...(stdio === 'inherit' ? ['inherit', 'inherit', 'inherit'] : stdio), 'pipe'] as StdioOptions;
  const [command, ...args] = [...(user ? userNamespaceTool(user, pidNamespace.kind === 'new') : []), process.execPath, ...initCommand()];
  const ownPidNamespace = openSync('/proc/self/ns/pid', 'r');
  let child: ChildProcess;
  try {
    if (pidNamespace.kind === 'new' && !user) unshare(CLONE.NEWPID);
    if (pidNamespace.kind === 'join') {
      const fd = openSync(pidNamespace.path, 'r');
      try {
        setns(fd, CLONE.NEWPID);
      } finally {
        closeSync(fd);
      }
    }
    // detached: init calls setsid(), so it has a session of its own: no
    // terminal signals from ours, and it may take a pty as its own terminal.
    const start = () => spawn(command!, args, { stdio: streams, detached: true, cwd: '/', env: traceEnvironment() });
    // Joining a PID namespace, init is seen by the processes already there
    // while it boots (readonly-runtime.ts). A new one holds init alone until
    // it has become the user's program; and its init, started ahead of
    // time, must see the rootfs mounted on the host after its spawn, which
    // a mount namespace of its own would hide.
    child = pidNamespace.kind === 'join' ? withReadonlyRuntime(start) : start();
  } finally {
    setns(ownPidNamespace, CLONE.NEWPID);
    closeSync(ownPidNamespace);
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  child.on('error', () => {}); // reported through `exited` and the sync pipe
  if (child.pid === undefined) throw new Error(`cannot start init${user ? ` through ${command} (util-linux)` : ''}`);
  return { child, pid: child.pid, sync: new SyncPipe(child.stdio[3] as Duplex), exited };
}
// #endregion spawn-init
