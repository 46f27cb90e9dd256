// json-stream.ts — the JSON progress stream of load, build and (later) pull (moby's pkg/jsonmessage).

import type { ServerResponse } from 'node:http';
import { RuntimeError } from '../../../../01-namespaces/index.js';

// #region json-message
export interface JsonMessage {
  stream?: string;
  status?: string;
  id?: string;
  /** Bytes done of a layer being pulled or pushed; the CLI draws the bar from it. */
  progressDetail?: { current?: number; total?: number };
  aux?: unknown;
  errorDetail?: { code?: number; message: string };
  error?: string;
}
// #endregion json-message

// #region json-stream
export class JsonStream {
  private started = false;

  constructor(private readonly res: ServerResponse) {}

  /** Sends the 200 and the headers now, before the work starts. */
  begin(): this {
    if (this.started) return this;
    this.started = true;
    this.res.writeHead(200, { 'Content-Type': 'application/json' });
    this.res.flushHeaders();
    return this;
  }

  /** Whether the 200 went out: until then a failure is still an ordinary error status. */
  get begun(): boolean {
    return this.started;
  }

  send(message: JsonMessage): void {
    this.begin();
    if (!this.res.writableEnded) this.res.write(`${JSON.stringify(message)}\r\n`);
  }

  /**
   * A failure after the 200: what the CLI prints, and exits with — the
   * error's exit code if it has one (a failed RUN's), else 1.
   */
  fail(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    const code = err instanceof RuntimeError && err.exitCode > 1 ? { code: err.exitCode } : {};
    this.send({ errorDetail: { ...code, message }, error: message });
  }

  end(): void {
    this.res.end();
  }
}
// #endregion json-stream
