// json-stream.ts — the JSON progress stream of load, build and (later) pull.
//
// A long operation cannot answer with one status: by the time it fails, the
// 200 is long gone. So moby answers 200 at once and then writes one JSON
// object per line — `{"stream": "Step 1/2 : …\n"}`, `{"aux": {"ID": …}}`,
// `{"status": …}` — and reports a late failure as an object with
// `errorDetail`, which makes the docker CLI print the message and exit
// non-zero (pkg/jsonmessage in moby).

import type { ServerResponse } from 'node:http';

// #region json-stream
export interface JsonMessage {
  stream?: string;
  status?: string;
  id?: string;
  aux?: unknown;
  errorDetail?: { code?: number; message: string };
  error?: string;
}

export class JsonStream {
  constructor(private readonly res: ServerResponse) {}

  /** Sends the 200 and the headers now, before the work starts. */
  begin(): this {
    this.res.writeHead(200, { 'Content-Type': 'application/json' });
    this.res.flushHeaders();
    return this;
  }

  send(message: JsonMessage): void {
    if (!this.res.writableEnded) this.res.write(`${JSON.stringify(message)}\r\n`);
  }

  /** A failure after the 200: what the CLI prints, and exits 1 for. */
  fail(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.send({ errorDetail: { message }, error: message });
  }

  end(): void {
    this.res.end();
  }
}
// #endregion json-stream
