// exec.ts — a second process in a running container: made, started (hijacked),
// then asked for its exit code with `GET /exec/{id}/json`.

import { Api, seg } from './api.js';
import { readAll } from './transport.js';
import { AttachSession } from './streams.js';
import type { Cancellable } from './containers.js';
import type { ExecInspect } from './types/containers.js';

// #region exec
/** The `/exec/{id}` endpoints (make one with `containers.exec`). */
export class Execs {
  constructor(private readonly api: Api) {}

  /**
   * `POST /exec/{id}/start`, hijacked: the process's stdio as a two-way
   * stream. `tty` must match what the exec was created with.
   */
  async start(id: string, options: { tty?: boolean; consoleSize?: [number, number] } & Cancellable = {}): Promise<AttachSession> {
    const body = { Detach: false, Tty: options.tty ?? false, ConsoleSize: options.consoleSize };
    const { socket } = await this.api.hijack('POST', `/exec/${seg(id)}/start`, { body, signal: options.signal });
    return new AttachSession(socket, !options.tty);
  }

  /** `POST /exec/{id}/start` with `Detach`: runs it and returns at once. */
  async startDetached(id: string, options: { tty?: boolean } & Cancellable = {}): Promise<void> {
    const body = { Detach: true, Tty: options.tty ?? false };
    await readAll(await this.api.request('POST', `/exec/${seg(id)}/start`, { body, signal: options.signal }));
  }

  /** `GET /exec/{id}/json`: running or not, and the exit code. */
  inspect(id: string, options: Cancellable = {}): Promise<ExecInspect> {
    return this.api.json('GET', `/exec/${seg(id)}/json`, options);
  }

  /** `POST /exec/{id}/resize`: the exec's terminal's new size. */
  async resize(id: string, size: { height: number; width: number }, options: Cancellable = {}): Promise<void> {
    await readAll(await this.api.request('POST', `/exec/${seg(id)}/resize`, { query: { h: size.height, w: size.width }, signal: options.signal }));
  }
}
// #endregion exec
