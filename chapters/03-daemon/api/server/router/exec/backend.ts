// backend.ts — what the exec routes need from the daemon (moby's exec Backend).

import type { ClientStreams } from '../container/backend.js';

// #region exec-backend
export interface ExecStartOptions {
  /** Start it and answer at once; nobody reads the output. */
  detach: boolean;
  /** Must match the exec's own Tty (the CLI sends both). */
  tty: boolean;
  consoleSize?: [number, number];
  /** Called once the exec is known to be startable: takes the connection over. */
  streams(multiplexed: boolean): ClientStreams;
  /** Aborted when the client hangs up. */
  signal: AbortSignal;
}

export interface ExecBackend {
  /** `POST /containers/{id}/exec`: checks the config and the container (running, not paused); answers the exec's id. */
  containerExecCreate(ref: string, body: unknown): Promise<{ Id: string }>;
  /** Runs it; resolves once it has exited and its output is delivered, its exit code already recorded. */
  containerExecStart(execId: string, options: ExecStartOptions): Promise<void>;
  containerExecResize(execId: string, rows: number, cols: number): Promise<void>;
  containerExecInspect(execId: string): Record<string, unknown>;
}
// #endregion exec-backend
