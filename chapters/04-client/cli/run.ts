// run.ts — the commands that connect a terminal to a process: run, create, start, attach, exec.
//
// `docker run` is not one request but a little protocol, and its order is
// what makes it work (cli/command/container/run.go):
//   1. create the container — on 404 "No such image", pull it and create again;
//   2. attach to it, before it starts, so no output is missed;
//   3. start waiting for its exit (`removed` with --rm, else `next-exit`),
//      and only once the daemon has that request go on;
//   4. start it; stream stdin out and stdout/stderr in until the daemon
//      closes the stream; the exit status of the wait is the command's.

import { CliError, list, str, type Cli, type Flags } from './cli.js';
import { containerRequest } from './container-options.js';
import { detachFilter, followSize, parseDetachKeys, rawMode, terminalSize } from './terminal.js';
import { NotFoundError, type AttachSession, type EngineClient, type EngineError } from '../sdk/index.js';

const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

// #region run-command
/** `skiff run [OPTIONS] IMAGE [COMMAND] [ARG...]`. */
export async function run(cli: Cli, [image, ...command]: string[], flags: Flags): Promise<number> {
  const engine = await cli.engine();
  const detach = flags.detach === true;
  const tty = flags.tty === true;
  if (tty && flags.interactive && !process.stdin.isTTY) throw new CliError('the input device is not a TTY', 1);
  const body = containerRequest(flags, image!, command, { detach, consoleSize: tty ? terminalSize() : undefined });
  const id = await createPulling(cli, engine, body, str(flags.name));
  if (detach) {
    await engine.containers.start(id);
    cli.out(`${id}\n`);
    return 0;
  }
  const session = await engine.containers.attach(id, { stdin: body.AttachStdin, stdout: body.AttachStdout, stderr: body.AttachStderr, tty });
  const exit = await engine.containers.beginWait(id, { condition: flags.rm ? 'removed' : 'next-exit' });
  try {
    await engine.containers.start(id);
  } catch (error) {
    session.close();
    throw startFailure(error as EngineError);
  }
  const ended = await stream(session, { stdin: body.AttachStdin === true, tty, detachKeys: str(flags['detach-keys']), resize: (size) => engine.containers.resize(id, size), kill: (signal) => engine.containers.kill(id, { killSignal: signal }) });
  if (ended === 'detached') return 0;
  return (await exit.result).StatusCode;
}

/** `skiff create`: the same container as run, not started; prints its id. */
export async function create(cli: Cli, [image, ...command]: string[], flags: Flags): Promise<number> {
  const engine = await cli.engine();
  // The streams a later `start -a` attaches are recorded exactly as run records them.
  const body = containerRequest(flags, image!, command, { detach: false, consoleSize: flags.tty ? terminalSize() : undefined });
  cli.out(`${await createPulling(cli, engine, body, str(flags.name))}\n`);
  return 0;
}
// #endregion run-command

// #region create-pulling
/** Creates the container; an image that is not there is pulled first, as the docker CLI does on 404. */
async function createPulling(cli: Cli, engine: EngineClient, body: Parameters<EngineClient['containers']['create']>[0], name?: string): Promise<string> {
  try {
    return (await engine.containers.create(body, { name })).Id;
  } catch (error) {
    if (!(error instanceof NotFoundError) || !/No such image/i.test(error.message)) throw error;
    const reference = body.Image!.includes(':') || body.Image!.includes('@') ? body.Image! : `${body.Image}:latest`;
    cli.err(`Unable to find image '${reference}' locally\n`);
    const { pullImage } = await import('./image-commands.js');
    await pullImage(cli, engine, reference, { quiet: false, toStderr: true });
    return (await engine.containers.create(body, { name })).Id;
  }
}

/** A start the daemon refused: exit 127 for a command not found, 126 for one that cannot run, else 125. */
function startFailure(error: EngineError): Error {
  const text = String(error.message);
  const code = /executable file not found|no such file or directory/i.test(text) ? 127 : /permission denied|is a directory/i.test(text) ? 126 : 125;
  return new CliError(`skiff: Error response from daemon: ${text}\n\nRun 'skiff run --help' for more information`, code);
}
// #endregion create-pulling

// #region stream-options
interface StreamOptions {
  stdin: boolean;
  tty: boolean;
  detachKeys?: string;
  resize: (size: { height: number; width: number }) => Promise<void>;
  kill: (signal: string) => Promise<void>;
}
// #endregion stream-options

// #region stream
/**
 * Connects this process's stdio to an attach or exec session until the
 * daemon ends it ('ended') or the user types the detach keys ('detached').
 * stdin's end is passed on as a half-close, so the process reads EOF while
 * its output still comes back.
 */
async function stream(session: AttachSession, options: StreamOptions): Promise<'ended' | 'detached'> {
  let detached = false;
  const restore = options.tty && options.stdin ? rawMode() : () => {};
  const stopResizing = options.tty ? followSize(options.resize) : () => {};
  // Without a terminal, ctrl-c is ours: pass it on, as docker's --sig-proxy does.
  const proxy = (signal: NodeJS.Signals) => void options.kill(signal).catch(() => {});
  if (!options.tty) for (const s of ['SIGINT', 'SIGTERM'] as const) process.on(s, proxy);
  try {
    if (options.stdin) {
      const filter = options.tty ? detachFilter(parseDetachKeys(options.detachKeys || DEFAULT_DETACH_KEYS), () => ((detached = true), session.close())) : (b: Buffer) => b;
      process.stdin.on('data', (chunk: Buffer) => {
        const bytes = filter(chunk);
        if (bytes.length && !session.socket.destroyed) session.stdin.write(bytes);
      });
      process.stdin.once('end', () => session.closeStdin());
    }
    await session.copyTo(process.stdout, process.stderr).catch((error: Error) => {
      if (!detached) throw error;
    });
    return detached ? 'detached' : 'ended';
  } finally {
    process.stdin.pause();
    stopResizing();
    restore();
    for (const s of ['SIGINT', 'SIGTERM'] as const) process.off(s, proxy);
  }
}
// #endregion stream

// #region start
/** `skiff start`: starts each container and prints its name; with -a, attaches like run. */
export async function start(cli: Cli, names: string[], flags: Flags): Promise<number> {
  const engine = await cli.engine();
  if (flags.attach || flags.interactive) {
    if (names.length > 1) throw new CliError('you cannot start and attach multiple containers at once', 1);
    const info = await engine.containers.inspect(names[0]!);
    const tty = info.Config.Tty === true;
    const stdin = flags.interactive === true && info.Config.OpenStdin === true;
    const session = await engine.containers.attach(info.Id, { stdin, tty, detachKeys: str(flags['detach-keys']) });
    const exit = await engine.containers.beginWait(info.Id, { condition: 'next-exit' });
    await engine.containers.start(info.Id);
    const ended = await stream(session, { stdin, tty, detachKeys: str(flags['detach-keys']), resize: (s) => engine.containers.resize(info.Id, s), kill: (s) => engine.containers.kill(info.Id, { killSignal: s }) });
    return ended === 'detached' ? 0 : (await exit.result).StatusCode;
  }
  const failed: string[] = [];
  for (const name of names) {
    try {
      await engine.containers.start(name);
      cli.out(`${name}\n`);
    } catch (error) {
      cli.err(`Error response from daemon: ${(error as Error).message}\n`);
      failed.push(name);
    }
  }
  if (failed.length) throw new CliError(`Error: failed to start containers: ${failed.join(', ')}`, 1);
  return 0;
}
// #endregion start

// #region attach
/** `skiff attach`: this terminal to a running container, until it exits or the detach keys. */
export async function attach(cli: Cli, [name]: string[], flags: Flags): Promise<number> {
  const engine = await cli.engine();
  const info = await engine.containers.inspect(name!);
  if (!info.State.Running) throw new CliError('You cannot attach to a stopped container, start it first', 1);
  if (info.State.Paused) throw new CliError('You cannot attach to a paused container, unpause it first', 1);
  const tty = info.Config.Tty === true;
  const stdin = !flags['no-stdin'] && info.Config.OpenStdin === true;
  const session = await engine.containers.attach(info.Id, { stdin, tty, detachKeys: str(flags['detach-keys']) });
  const ended = await stream(session, { stdin, tty, detachKeys: str(flags['detach-keys']), resize: (s) => engine.containers.resize(info.Id, s), kill: (s) => engine.containers.kill(info.Id, { killSignal: s }) });
  if (ended === 'detached') return 0;
  return (await engine.containers.wait(info.Id)).StatusCode;
}
// #endregion attach

// #region exec-command
/** `skiff exec`: a command in a running container; its exit code is ours. */
export async function exec(cli: Cli, [name, ...command]: string[], flags: Flags): Promise<number> {
  const engine = await cli.engine();
  const tty = flags.tty === true;
  const interactive = flags.interactive === true;
  const detach = flags.detach === true;
  if (tty && interactive && !process.stdin.isTTY) throw new CliError('the input device is not a TTY', 1);
  await engine.containers.inspect(name!);
  const { Id } = await engine.containers.exec(name!, {
    User: str(flags.user) ?? '', Privileged: flags.privileged === true, Tty: tty, ConsoleSize: tty ? terminalSize() ?? null : null,
    AttachStdin: interactive && !detach, AttachStderr: !detach, AttachStdout: !detach, DetachKeys: str(flags['detach-keys']) ?? '',
    Env: list(flags.env), WorkingDir: str(flags.workdir) ?? '', Cmd: command,
  });
  if (detach) {
    await engine.execs.startDetached(Id, { tty });
    return 0;
  }
  const session = await engine.execs.start(Id, { tty, consoleSize: tty ? terminalSize() : undefined });
  const ended = await stream(session, { stdin: interactive, tty, detachKeys: str(flags['detach-keys']), resize: (s) => engine.execs.resize(Id, s), kill: async () => {} });
  if (ended === 'detached') return 0;
  return (await engine.execs.inspect(Id)).ExitCode ?? 0;
}
// #endregion exec-command
