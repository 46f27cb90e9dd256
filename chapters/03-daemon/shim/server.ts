// server.ts — the shim's side of the protocol (protocol.ts).

import { rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { ConflictError, RuntimeError } from '../../01-namespaces/index.js';
import { Container, type Prestarted } from './container.js';
import { ExecSession } from './exec.js';
import { line, onLines, readFirstLine, toWire, type AttachRequest, type ControlRequest, type ExecRequest } from './protocol.js';

// #region server
/** How long a shim waits for its owner's first connection before it gives up. */
const BOOT_TIMEOUT_MS = 30_000;

export class ShimServer {
  private container?: Container;
  private owner?: Socket;
  private creating = false;
  private readonly listening = new Map<string, Server>();
  private readonly controls = new Set<Socket>();
  private readonly execs = new Map<number, ExecSession>();
  private readonly streams = new Set<Promise<void>>();
  private readonly bootTimer = setTimeout(() => void this.exit(1), BOOT_TIMEOUT_MS);

  constructor(private readonly prestarted: Prestarted) {
    // A warm init that dies before it is used leaves this shim useless.
    void prestarted.init.exited.then(() => {
      if (!this.container && !this.creating) void this.exit(1);
    });
  }

  /** The directory of the container, once there is one (for the shim's own error log). */
  get dir(): string | undefined {
    return this.container?.spec.dir;
  }
  // #endregion server

  // #region listen
  listen(path: string): Promise<void> {
    rmSync(path, { force: true }); // a socket file left by a shim that died
    const server = createServer({ allowHalfOpen: true }, (socket) => void this.connection(socket));
    this.listening.set(path, server);
    return new Promise((resolve, reject) => server.once('error', reject).listen(path, () => resolve()));
  }

  /** No new connections: the container has exited, and a new shim may take the path for its next run. */
  private stopListening(): void {
    for (const [path, server] of this.listening) {
      server.close();
      rmSync(path, { force: true });
    }
    this.listening.clear();
  }
  // #endregion listen

  // #region connection
  private async connection(socket: Socket): Promise<void> {
    socket.on('error', () => socket.destroy());
    if (!this.owner) this.adopt(socket); // the first to connect is the one who launched us
    let first: { op?: string; id?: number };
    try {
      first = (await readFirstLine(socket)) as typeof first;
    } catch {
      socket.destroy();
      return;
    }
    if (first.op === 'attach' || first.op === 'exec') return this.stream(socket, first as AttachRequest | ExecRequest);
    this.controls.add(socket);
    socket.on('close', () => this.controls.delete(socket));
    void this.answer(socket, first as ControlRequest & { id: number });
    onLines(socket, (message) => void this.answer(socket, message as ControlRequest & { id: number }));
  }

  /** The owner: if it leaves before a container exists, so do we. */
  private adopt(socket: Socket): void {
    clearTimeout(this.bootTimer);
    this.owner = socket;
    socket.on('close', () => {
      if (!this.container) void this.exit(1);
    });
  }

  private async answer(socket: Socket, request: ControlRequest & { id: number }): Promise<void> {
    let reply: unknown;
    try {
      reply = { id: request.id, ok: (await this.handle(request)) ?? null };
    } catch (err) {
      reply = { id: request.id, error: toWire(err) };
      if (request.op === 'create' && !this.container) setImmediate(() => void this.exit(1));
    }
    if (!socket.destroyed) socket.write(line(reply));
  }
  // #endregion connection

  // #region requests
  private async handle(request: ControlRequest): Promise<unknown> {
    if (request.op === 'create') return this.create(request.spec);
    const container = this.container;
    if (!container) throw new RuntimeError(`shim: no container yet (${request.op} before create)`);
    switch (request.op) {
      case 'info':
        return { pid: container.pid };
      case 'start':
        return container.start();
      case 'kill':
        return container.kill(request.signal);
      case 'resize':
        return request.exec === undefined ? container.resize(request.rows, request.cols) : this.exec(request.exec).resize(request.rows, request.cols);
      case 'wait':
        return container.exited;
      case 'wait-exec':
        return this.exec(request.exec).exitCode;
      default:
        throw new RuntimeError(`shim: unknown request ${JSON.stringify((request as { op: unknown }).op)}`);
    }
  }

  private exec(id: number): ExecSession {
    const session = this.execs.get(id);
    if (!session) throw new RuntimeError(`shim: no exec ${id}`);
    return session;
  }
  // #endregion requests

  // #region create
  private async create(spec: Container['spec']): Promise<{ pid: number }> {
    if (this.creating || this.container) throw new ConflictError('shim: this shim already has a container');
    this.creating = true;
    const container = await Container.create(spec, this.prestarted);
    this.container = container;
    const socketPath = join(spec.dir, 'shim.sock');
    if (!this.listening.has(socketPath)) {
      const boot = [...this.listening.keys()];
      await this.listen(socketPath);
      for (const path of boot) {
        this.listening.get(path)!.close();
        this.listening.delete(path);
        rmSync(path, { force: true });
      }
    }
    writeFileSync(join(spec.dir, 'shim.pid'), `${process.pid}\n`);
    void container.exited.then(() => {
      this.stopListening();
      rmSync(join(spec.dir, 'shim.pid'), { force: true });
    });
    void container.done.then(() => {
      this.containerDone = true;
      void this.finish();
    });
    return { pid: container.pid };
  }
  // #endregion create

  // #region streams
  private async stream(socket: Socket, request: AttachRequest | ExecRequest): Promise<void> {
    const container = this.container;
    if (!container) {
      socket.end(line({ error: toWire(new RuntimeError('shim: no container yet')) }));
      return;
    }
    if (request.op === 'attach') {
      socket.write(line({ ok: null }));
      container.attach({ socket, stdin: request.stdin, stdout: request.stdout, stderr: request.stderr });
      return;
    }
    const session = new ExecSession(container.spec, request);
    try {
      container.mustBeAlive();
      await session.start();
    } catch (err) {
      socket.end(line({ error: toWire(err) }));
      return;
    }
    const id = this.execs.size + 1;
    this.execs.set(id, session);
    socket.write(line({ ok: { pid: session.pid, exec: id } }));
    const served = session.serve(socket);
    this.streams.add(served);
    void served.finally(() => {
      this.streams.delete(served);
      void this.finish();
    });
  }
  // #endregion streams

  // #region finish
  /** Once the container is gone and no exec stream still has output to deliver, the shim's work is done. */
  private containerDone = false;

  private async finish(): Promise<void> {
    if (this.containerDone && this.streams.size === 0) await this.exit(0);
  }

  /** Nobody will ever connect (the launcher died while this shim booted): end now, not at the boot timeout. */
  abandon(): Promise<void> {
    return this.exit(1);
  }

  /**
   * The launcher closed its end of the status pipe. It connects before it
   * closes, so an owner would be known — but its connection and the pipe's
   * end may be seen in the same turn of the event loop, hence a look after
   * this turn's connections are all accepted.
   */
  launcherGone(): void {
    setImmediate(() => {
      if (!this.owner) void this.abandon();
    });
  }

  private exiting = false;

  private async exit(code: number): Promise<void> {
    if (this.exiting) return;
    this.exiting = true;
    this.stopListening();
    if (!this.container) this.prestarted.init.child.kill('SIGKILL');
    // Replies already written reach the daemon; then the connections end.
    await Promise.race([
      Promise.all([...this.controls].map((socket) => new Promise<void>((resolve) => socket.end(() => resolve())))),
      new Promise((resolve) => setTimeout(resolve, 1000)),
    ]);
    process.exit(code);
  }
}
// #endregion finish
