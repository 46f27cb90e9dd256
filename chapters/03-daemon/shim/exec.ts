// exec.ts — a process run in the container by the shim, for the daemon.
//
// As containerd's shim does, ours runs `docker exec` processes itself
// (through chapter 01's startExec), so that their stdio, like the
// container's, lives in the shim and not in the daemon: a daemon restart
// loses the client's connection, not the process. Each exec has its own
// stream connection; nothing of its output is logged, as in Docker.

import type { Socket } from 'node:net';
import { consoleStream, exitStatus, makePipes, RuntimeError, startExec, type ConsoleStream, type ContainerPipes } from '../../01-namespaces/index.js';
import { frame, STDOUT } from './frames.js';
import type { ExecRequest, ShimSpec } from './protocol.js';
import { StdioHub, type HubOptions } from './stdio-hub.js';

// #region exec-session
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class ExecSession {
  pid = 0;
  private hub?: StdioHub;
  private terminal?: ConsoleStream;
  /** Why the program could not start (126 or 127), if it could not. */
  private failure?: RuntimeError;
  private setCode!: (code: number) => void;
  /** The exit status; settled before the client's stream ends. */
  readonly exitCode = new Promise<number>((resolve) => (this.setCode = resolve));

  constructor(private readonly spec: ShimSpec, private readonly request: ExecRequest) {}
  // #endregion exec-session

  // #region exec-start
  /**
   * Starts the process. A program that cannot start is an outcome, not an
   * error: like Docker, we report it on the stream, with 126 or 127 as
   * its exit code. Anything else (a container that is not running) rejects.
   */
  async start(): Promise<void> {
    const { tty, stdin, consoleSize } = this.request;
    const pipes = tty ? undefined : makePipes({ stdin });
    try {
      const started = await startExec(this.spec.id, { ...this.request.process, terminal: tty }, {
        stateRoot: this.spec.stateRoot, stdio: pipes?.stdio ?? ['ignore', 'ignore', 'ignore'],
        onConsole: (master) => (this.terminal = consoleStream(master)), windowSize: consoleSize,
      });
      this.pid = started.pid;
      this.hub = new StdioHub({ ...this.streams(pipes), stdinOnce: true });
      void started.exited.then((exit) => this.setCode(exitStatus(exit)));
    } catch (err) {
      for (const stream of [pipes?.stdin, pipes?.stdout, pipes?.stderr]) stream?.destroy();
      if (!(err instanceof RuntimeError) || (err.exitCode !== 126 && err.exitCode !== 127)) throw err;
      this.failure = err;
      this.setCode(err.exitCode);
    } finally {
      pipes?.closeContainerEnds();
    }
  }
  // #endregion exec-start

  // #region exec-streams
  /** With a terminal, the master is the one stream, all of it stdout; without, the pipes. */
  private streams(pipes: ContainerPipes | undefined): Pick<HubOptions, 'sources' | 'stdin'> {
    if (this.terminal) return { sources: [{ stream: 'stdout', readable: this.terminal }], stdin: this.request.stdin ? this.terminal : undefined };
    return { sources: [{ stream: 'stdout', readable: pipes!.stdout }, { stream: 'stderr', readable: pipes!.stderr }], stdin: pipes!.stdin };
  }
  // #endregion exec-streams

  // #region exec-serve
  /** The client's stream: the process's output until it exits, or Docker's words for why it never started. */
  async serve(socket: Socket): Promise<void> {
    if (this.failure) {
      const text = `OCI runtime exec failed: exec failed: unable to start container process: ${this.failure.message}: unknown\r\n`;
      await new Promise<void>((resolve) => socket.end(frame(STDOUT, Buffer.from(text)), () => resolve()));
      return;
    }
    this.hub!.add({ socket, stdin: this.request.stdin, stdout: true, stderr: true });
    await this.exitCode;
    await Promise.race([this.hub!.drained, sleep(2000)]);
    await this.hub!.close();
  }

  resize(rows: number, cols: number): void {
    this.terminal?.resize(rows, cols);
  }
}
// #endregion exec-serve
