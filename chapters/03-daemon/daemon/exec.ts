// exec.ts — `docker exec`: another program in a running container, run by its shim.
//
// As containerd's shim does, ours runs exec'd processes itself (through
// chapter 01's exec, which joins the container's namespaces and cgroup),
// so their stdio lives in the shim and a daemon restart loses nothing but
// the client's connection. The daemon keeps the exec's record — its
// config, whether it runs, its exit code — for `exec inspect`, whose
// ExitCode the docker CLI exits with.

import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { ConflictError, InvalidArgumentError, NotFoundError, resolveInRoot, type ExecProcess } from '../../01-namespaces/index.js';
import { resolveUser, type ResolvedUser } from '../../02-images/index.js';
import { checkJson, ExecConfigSchema, type ExecBackend, type ExecConfig, type ExecStartOptions } from '../api/index.js';
import { FrameDecoder, type ShimExec } from '../shim/index.js';
import { frameSink } from './attach.js';
import { primaryFirst } from './bundle-patch.js';
import type { Container } from './container.js';
import type { DaemonContext } from './context.js';
import { pathsOf } from './paths.js';

// #region exec-record
interface Exec {
  id: string;
  container: Container;
  config: ExecConfig & { Cmd: string[] };
  running: boolean;
  started: boolean;
  exitCode: number | null;
  pid: number;
  process?: ShimExec;
}
// #endregion exec-record

// #region exec-create
export class ExecService implements ExecBackend {
  private readonly execs = new Map<string, Exec>();

  constructor(private readonly ctx: DaemonContext) {}

  async containerExecCreate(ref: string, body: unknown): Promise<{ Id: string }> {
    const c = this.ctx.containers.get(ref);
    const config = checkJson(ExecConfigSchema, body, 'ExecConfig');
    if (!config.Cmd || config.Cmd.length === 0) throw new InvalidArgumentError('No exec command specified');
    runningCheck(c, ref);
    if (config.Privileged) throw new InvalidArgumentError('Privileged (--privileged) is not supported by this daemon');
    const id = randomBytes(32).toString('hex');
    this.execs.set(id, { id, container: c, config: { ...config, Cmd: config.Cmd }, running: false, started: false, exitCode: null, pid: 0 });
    this.ctx.events.log('container', `exec_create: ${config.Cmd.join(' ')}`, c.id, c.eventAttributes({ execID: id }));
    return { Id: id };
  }

  private find(id: string): Exec {
    const exec = this.execs.get(id);
    if (!exec) throw new NotFoundError(`No such exec instance: ${id}`);
    return exec;
  }

  /** The execs of a container, for inspect's ExecIDs; they go with it. */
  idsOf(c: Container): string[] {
    return [...this.execs.values()].filter((e) => e.container === c).map((e) => e.id);
  }

  forget(c: Container): void {
    for (const id of this.idsOf(c)) this.execs.delete(id);
  }
  // #endregion exec-create

  // #region exec-start
  async containerExecStart(id: string, options: ExecStartOptions): Promise<void> {
    const exec = this.find(id);
    if (exec.started) throw new ConflictError(`Error: Exec command ${id} is already running`);
    const c = exec.container;
    runningCheck(c, c.name);
    const config = exec.config;
    const proc = this.execProcess(c, config);
    exec.started = true;
    const client = options.detach ? undefined : options.streams(!config.Tty);
    const cwdProblem = this.missingWorkdir(c, config);
    if (cwdProblem) {
      // Checked here: unlike `run -w`, an exec's -w is not created, and the start fails as Docker's does.
      Object.assign(exec, { exitCode: 126 });
      this.ctx.events.log('container', 'exec_die', c.id, c.eventAttributes({ execID: id, exitCode: '126' }));
      if (client) await new Promise((resolve) => client.stdout.write(`OCI runtime exec failed: exec failed: unable to start container process: ${cwdProblem}: unknown\r\n`, resolve));
      return;
    }
    const process = await c.shim!.exec(proc, {
      tty: !!config.Tty, stdin: !!config.AttachStdin && !!client?.stdin, consoleSize: options.consoleSize ?? consoleSize(config),
    });
    Object.assign(exec, { process, pid: process.pid, running: true });
    this.ctx.events.log('container', `exec_start: ${config.Cmd.join(' ')}`, c.id, c.eventAttributes({ execID: id }));
    // A program that could not start reports pid 0; Docker's exec then exits 126, whatever the reason.
    const exited = process.exited.then((code) => {
      Object.assign(exec, { running: false, exitCode: process.pid === 0 ? 126 : code });
      this.ctx.events.log('container', 'exec_die', c.id, c.eventAttributes({ execID: id, exitCode: String(exec.exitCode) }));
    });
    if (!client) {
      process.io.resume().end();
      return;
    }
    options.signal.addEventListener('abort', () => process.io.destroy(), { once: true });
    if (config.AttachStdin && client.stdin) client.stdin.pipe(process.io);
    else process.io.end();
    await pipeline(process.io, new FrameDecoder(), frameSink(client)).catch(() => {});
    await exited;
  }
  // #endregion exec-start

  // #region exec-process
  /** The exec's program, user, environment and directory, as chapter 01's exec takes them. */
  private execProcess(c: Container, config: ExecConfig & { Cmd: string[] }): ExecProcess {
    const proc: ExecProcess = { args: config.Cmd, env: config.Env ?? [], terminal: !!config.Tty };
    if (config.WorkingDir) proc.cwd = config.WorkingDir;
    if (config.User) {
      let user: ResolvedUser;
      try {
        user = resolveUser(pathsOf(this.ctx, c).rootfs, config.User);
      } catch (err) {
        throw new InvalidArgumentError((err as Error).message);
      }
      proc.user = { uid: user.uid, gid: user.gid, additionalGids: primaryFirst(user.gid, user.additionalGids) };
    }
    return proc;
  }
  // #endregion exec-process

  /** Docker's words if the exec's working directory is not a directory in the container. */
  private missingWorkdir(c: Container, config: ExecConfig): string | undefined {
    if (!config.WorkingDir) return undefined;
    try {
      if (statSync(resolveInRoot(pathsOf(this.ctx, c).rootfs, config.WorkingDir)).isDirectory()) return undefined;
      return `chdir to cwd (${JSON.stringify(config.WorkingDir)}) set in config.json failed: not a directory`;
    } catch {
      return `chdir to cwd (${JSON.stringify(config.WorkingDir)}) set in config.json failed: no such file or directory`;
    }
  }

  // #region exec-inspect
  async containerExecResize(id: string, rows: number, cols: number): Promise<void> {
    const exec = this.find(id);
    if (!exec.running) throw new ConflictError(`Exec ${id} is not running, so it can not be resized.`);
    await exec.process!.resize(rows, cols);
  }

  containerExecInspect(id: string): Record<string, unknown> {
    const e = this.find(id);
    const [entrypoint, ...args] = e.config.Cmd;
    return {
      ID: e.id, Running: e.running, ExitCode: e.exitCode, CanRemove: false, DetachKeys: '',
      ProcessConfig: { tty: !!e.config.Tty, entrypoint, arguments: args, privileged: false, user: e.config.User ?? '' },
      OpenStdin: !!e.config.AttachStdin, OpenStderr: !!e.config.AttachStderr, OpenStdout: !!e.config.AttachStdout,
      ContainerID: e.container.id, Pid: e.pid,
    };
  }
}
// #endregion exec-inspect

// #region exec-checks
/** moby's words for a container exec cannot join. */
function runningCheck(c: Container, ref: string): void {
  if (!c.state.Running || !c.shim) throw new ConflictError(`Container ${c.id} is not running`);
  if (c.state.Paused) throw new ConflictError(`Container ${ref} is paused, unpause the container before exec`);
  if (c.state.Restarting) throw new ConflictError(`Container ${c.id} is restarting, wait until the container is running`);
}

function consoleSize(config: ExecConfig): [number, number] | undefined {
  const size = config.ConsoleSize;
  return size && size.length === 2 && size[0]! > 0 && size[1]! > 0 ? [size[0]!, size[1]!] : undefined;
}
// #endregion exec-checks
