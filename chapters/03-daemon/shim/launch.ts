// launch.ts — starting a shim process, detached from whoever starts it (setsid(2)).

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { RuntimeError } from '../../01-namespaces/index.js';
import { ControlConnection } from './connection.js';

// #region shim-command
/** The compiled main.js next to this file; from TypeScript sources (tests), main.ts through tsx. */
function shimCommand(): string[] {
  const compiled = fileURLToPath(new URL('./main.js', import.meta.url));
  if (existsSync(compiled)) return [compiled];
  return ['--import', import.meta.resolve('tsx'), fileURLToPath(new URL('./main.ts', import.meta.url))];
}

/**
 * An environment of its own: the daemon's may ask Node for work at every
 * start (NODE_EXTRA_CA_CERTS cost 45 ms here) and the shim needs none of it.
 */
function shimEnvironment(): Record<string, string> {
  const { SKIFF_TRACE, SKIFF_TRACE_ORIGIN } = process.env;
  return SKIFF_TRACE === '1' ? { SKIFF_TRACE, SKIFF_TRACE_ORIGIN: SKIFF_TRACE_ORIGIN ?? String(performance.timeOrigin) } : {};
}
// #endregion shim-command

// #region launch
/** Starts a shim listening on `socketPath`, and connects to it as its owner; `background`: at a low priority (niceness.ts). */
export async function launchShim(socketPath: string, { background = false } = {}): Promise<ControlConnection> {
  mkdirSync(dirname(socketPath), { recursive: true });
  const child = spawn(process.execPath, [...shimCommand(), socketPath, ...(background ? ['--background'] : [])], {
    detached: true, stdio: ['ignore', 'ignore', 'ignore', 'pipe'], cwd: '/', env: shimEnvironment(),
  });
  // The status pipe stays open until we have connected: the shim takes its
  // closing without an owner as word that nobody will come (main.ts).
  const status = child.stdio[3] as Socket;
  try {
    await new Promise<void>((resolve, reject) => {
      let said = '';
      status.setEncoding('utf8').on('data', (text: string) => {
        said += text;
        if (said.includes('ready\n')) resolve();
      });
      child.once('error', reject);
      child.once('exit', (code, signal) => reject(new RuntimeError(`the shim exited before it was ready (${signal ?? `exit code ${code}`})`)));
    });
    return await ControlConnection.open(socketPath);
  } finally {
    status.destroy();
    child.unref(); // it lives on its own now; Node still reaps it should it exit while we live
  }
}
// #endregion launch
