// container.ts — the one container a shim exists for.
//
// The shim creates it through chapter 01's library, with an init that was
// started before the container was known (see prestart), holds its stdio,
// starts, signals and resizes it when told, and is the parent that reaps
// its PID 1. What happens at that moment is the point of a shim: it
// drains the last output into the log, asks the cgroup whether the OOM
// killer struck, deletes the runtime's state (so the same container can be
// created again at once), and only then records the exit, atomically.

import { closeSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  ConflictError, consoleStream, create, defaultSpec, deleteContainer, exitStatus, kill, makePipes, oomKilled, prestartInit, start, validateSpec,
  type ConsoleStream, type ContainerPipes, type InitProcess, type ProcessExit,
} from '../../01-namespaces/index.js';
import { formatTime, nowNs } from './clock.js';
import { exitPath, NEVER, writeExit, type ExitRecord } from './exit-record.js';
import { LogWriter } from './json-log.js';
import { NORMAL, renice } from './niceness.js';
import type { ShimSpec } from './protocol.js';
import { StdioHub, type Client } from './stdio-hub.js';

// #region prestart
/** An init already started, waiting for its configuration, with the pipes that will be its container's stdio. */
export interface Prestarted {
  init: InitProcess;
  pipes: ContainerPipes;
}

/**
 * Done as soon as the shim boots, before anyone has said what the
 * container is. While init boots, the shim checks a default config once:
 * V8 compiles a function the first time it runs, and the validator is the
 * largest piece of code `create` will run, so its first run is better
 * spent here than on a container's start.
 */
export function prestart(): Prestarted {
  const pipes = makePipes({ stdin: true });
  const init = prestartInit(pipes.stdio);
  validateSpec(defaultSpec({ args: ['true'] }));
  return { init, pipes };
}
// #endregion prestart

// #region container
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The container, created; its verbs, and what becomes of it when its PID 1 is reaped. */
export class Container {
  private startedAt = NEVER;
  private reaped = false;
  private resolveExit!: (record: ExitRecord) => void;
  private resolveDone!: () => void;
  /** Resolves once exit.json is written. */
  readonly exited = new Promise<ExitRecord>((resolve) => (this.resolveExit = resolve));
  /** Resolves after that, once no attached client still has output to read from us. */
  readonly done = new Promise<void>((resolve) => (this.resolveDone = resolve));

  private constructor(
    readonly spec: ShimSpec,
    readonly pid: number,
    private readonly hub: StdioHub,
    private readonly terminal: ConsoleStream | undefined,
  ) {}
  // #endregion container

  // #region create
  /** Creates the container from its bundle; rejects (having undone everything) as chapter 01's create does. */
  static async create(spec: ShimSpec, { init, pipes }: Prestarted): Promise<Container> {
    // Booted in the background, perhaps: from now on we are on a container's critical path.
    renice(process.pid, NORMAL);
    renice(init.pid, NORMAL);
    mkdirSync(spec.dir, { recursive: true });
    rmSync(exitPath(spec.dir), { force: true }); // a record of the previous run, if restarted
    mkdirSync(dirname(spec.logPath), { recursive: true });
    const logFd = openSync(spec.logPath, 'a', 0o640);
    let master: number | undefined;
    let onExit!: (exit: ProcessExit) => void;
    const processExit = new Promise<ProcessExit>((resolve) => (onExit = resolve));
    let pid: number;
    try {
      // `stdio` too: should the config not fit the prestarted init, a fresh one gets the same pipes.
      ({ pid } = await create({
        id: spec.id, bundle: spec.bundle, stateRoot: spec.stateRoot, init, stdio: pipes.stdio,
        onConsole: (fd) => (master = fd), windowSize: spec.consoleSize, onExit,
      }));
    } catch (err) {
      closeSync(logFd);
      for (const stream of [pipes.stdin, pipes.stdout, pipes.stderr]) stream?.destroy();
      throw err;
    } finally {
      pipes.closeContainerEnds();
    }
    const terminal = master === undefined ? undefined : consoleStream(master);
    const container = new Container(spec, pid, new StdioHub(hubOptions(spec, pipes, terminal, logFd)), terminal);
    void processExit.then((exit) => container.recordExit(exit, logFd));
    return container;
  }
  // #endregion create

  // #region verbs
  async start(): Promise<void> {
    // Taken before: a program that exits at once may be reaped before start() returns.
    this.startedAt = formatTime(nowNs());
    try {
      await start(this.spec.id, { stateRoot: this.spec.stateRoot });
    } catch (err) {
      this.startedAt = NEVER;
      throw err;
    }
  }

  kill(signal: string | number): void {
    this.mustBeAlive();
    kill(this.spec.id, signal, { stateRoot: this.spec.stateRoot });
  }

  /** Once reaped, the runtime has forgotten the container: say so as Docker does (409), not "no such container". */
  mustBeAlive(): void {
    if (this.reaped) throw new ConflictError(`container ${JSON.stringify(this.spec.id)} is not running`);
  }

  /** The terminal's new size (the kernel sends SIGWINCH to its foreground process group); nothing without one. */
  resize(rows: number, cols: number): void {
    this.terminal?.resize(rows, cols);
  }

  attach(client: Client): void {
    this.hub.add(client);
  }
  // #endregion verbs

  // #region record-exit
  private async recordExit(exit: ProcessExit, logFd: number): Promise<void> {
    const finishedAt = formatTime(nowNs());
    this.reaped = true;
    // With a new PID namespace, every process of the container died with
    // its PID 1, so the pipes end at once; a bound all the same.
    await Promise.race([this.hub.drained, sleep(2000)]);
    closeSync(logFd);
    const { id, stateRoot, dir } = this.spec;
    let oom = false;
    try {
      oom = oomKilled(id, { stateRoot });
    } catch {
      // no state to read the cgroup from: nothing to report
    }
    await deleteContainer(id, { force: true, stateRoot });
    const record: ExitRecord = { exitCode: exitStatus(exit), oomKilled: oom, startedAt: this.startedAt, finishedAt };
    writeExit(dir, record);
    this.resolveExit(record);
    await this.hub.close();
    this.resolveDone();
  }
}
// #endregion record-exit

// #region hub-options
/**
 * With a terminal, init made the pty its stdin, stdout and stderr, and the
 * pipes it was born with ended there: the master is the only stream. Without
 * one, the pipes are. A container that was not asked to keep stdin open
 * reads end of file from the start.
 */
function hubOptions(spec: ShimSpec, pipes: ContainerPipes, terminal: ConsoleStream | undefined, logFd: number) {
  const log = new LogWriter(logFd);
  if (terminal) {
    for (const stream of [pipes.stdin, pipes.stdout, pipes.stderr]) stream?.destroy();
    return { sources: [{ stream: 'stdout' as const, readable: terminal }], stdin: spec.openStdin ? terminal : undefined, stdinOnce: spec.stdinOnce, log };
  }
  if (!spec.openStdin) pipes.stdin!.end();
  return {
    sources: [{ stream: 'stdout' as const, readable: pipes.stdout }, { stream: 'stderr' as const, readable: pipes.stderr }],
    stdin: spec.openStdin ? pipes.stdin : undefined,
    stdinOnce: spec.stdinOnce,
    log,
  };
}
// #endregion hub-options
