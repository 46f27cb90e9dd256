#!/usr/bin/env node
// main.ts — skiff-runtime, the command line over the library.
//
// The commands and flags follow runc's, so that what you know of one works
// with the other: `create`, `start`, `state`, `kill`, `delete`, `list`,
// `run`, `exec`, with the state directory under --root. Every failure ends
// as one line on stderr and a non-zero exit status.

import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { create, deleteContainer, kill, list, pause, resume, run, start, state } from './container.js';
import { defaultSpec } from './default-spec.js';
import { RuntimeError } from './errors.js';
import { exec } from './exec.js';
import { DEFAULT_STATE_ROOT, writeAtomically, type OciState } from './state.js';

// #region parse-helpers
const collect = (value: string, previous: string[]) => [...previous, value];

/** "64m" → 67108864: docker's size suffixes, powers of 1024. */
export function parseBytes(text: string): number {
  const match = /^(\d+)([kmgt]?)b?$/i.exec(text.trim());
  if (!match) throw new RuntimeError(`invalid size ${JSON.stringify(text)}: use a number of bytes, optionally with k, m, g or t`);
  const power = ' kmgt'.indexOf((match[2] || ' ').toLowerCase());
  return Number(match[1]) * 1024 ** power;
}

function parseCount(text: string): number {
  if (!/^-?\d+$/.test(text)) throw new RuntimeError(`invalid number ${JSON.stringify(text)}`);
  return Number(text);
}
// #endregion parse-helpers

const program = new Command('skiff-runtime')
  .description('Run OCI bundles in Linux namespaces: a runc-like runtime written in TypeScript.')
  .option('--root <dir>', 'directory for container state', DEFAULT_STATE_ROOT)
  .showHelpAfterError(false)
  .configureOutput({ outputError: (text, write) => write(`skiff-runtime: ${text.replace(/^error: /, '')}`) })
  .exitOverride();

const root = () => resolve(program.opts<{ root: string }>().root);

// #region lifecycle-commands
program
  .command('spec')
  .description('write a default config.json into a bundle directory, like `runc spec`')
  .argument('[command...]', 'the program to run (default: sh)')
  .option('-b, --bundle <dir>', 'bundle directory', '.')
  .option('--rootfs <dir>', 'root filesystem, relative to the bundle', 'rootfs')
  .action((command: string[], opts: { bundle: string; rootfs: string }) => {
    const file = join(resolve(opts.bundle), 'config.json');
    if (existsSync(file)) throw new RuntimeError(`${file} already exists`);
    const spec = defaultSpec({ args: command.length ? command : ['sh'], rootfs: opts.rootfs });
    writeAtomically(file, JSON.stringify(spec, null, 2) + '\n');
  });

program
  .command('create')
  .description('create a container from a bundle; it waits for `start`')
  .argument('<id>')
  .option('-b, --bundle <dir>', 'bundle directory', '.')
  .option('--pid-file <file>', 'write the container PID 1 host pid here')
  .action(async (id: string, opts: { bundle: string; pidFile?: string }) => {
    await create({ id, bundle: opts.bundle, stateRoot: root(), pidFile: opts.pidFile });
  });

program.command('start').description('start a created container').argument('<id>')
  .action(async (id: string) => start(id, { stateRoot: root() }));

program.command('state').description("print a container's OCI state").argument('<id>')
  .action((id: string) => console.log(JSON.stringify(state(id, { stateRoot: root() }), null, 2)));

program.command('kill').description("send a signal to a container's PID 1").argument('<id>').argument('[signal]', 'name or number', 'SIGTERM')
  .action((id: string, signal: string) => kill(id, signal, { stateRoot: root() }));

program.command('pause').description("freeze every process of a container").argument('<id>')
  .action(async (id: string) => pause(id, { stateRoot: root() }));

program.command('resume').description('thaw a paused container').argument('<id>')
  .action(async (id: string) => resume(id, { stateRoot: root() }));

program.command('delete').description('delete a stopped container').argument('<id>')
  .option('-f, --force', 'kill it first if it is still running')
  .action(async (id: string, opts: { force?: boolean }) => deleteContainer(id, { force: opts.force, stateRoot: root() }));

program.command('list').description('list containers')
  .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
  .option('-q, --quiet', 'print only the ids')
  .action((opts: { format: string; quiet?: boolean }) => printList(list({ stateRoot: root() }), opts));

function printList(states: OciState[], { format, quiet }: { format: string; quiet?: boolean }): void {
  if (quiet) return states.forEach((s) => console.log(s.id));
  if (format === 'json') return console.log(JSON.stringify(states));
  const rows = [['ID', 'PID', 'STATUS', 'BUNDLE', 'CREATED'], ...states.map((s) => [s.id, String(s.pid), s.status, s.bundle, s.created])];
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  for (const row of rows) console.log(row.map((cell, col) => cell.padEnd(widths[col]!)).join('   ').trimEnd());
}
// #endregion lifecycle-commands

// #region run-command
interface RunFlags {
  bundle?: string;
  rootfs?: string;
  hostname?: string;
  env: string[];
  cwd?: string;
  memory?: string;
  pidsLimit?: string;
  tty?: boolean;
}

program
  .command('run')
  .description('run a bundle in the foreground: `run <id> -b DIR`, or `run --rootfs DIR [flags] -- CMD ARGS...`')
  .argument('[words...]', 'the container id (with a bundle) or the command (with --rootfs)')
  .option('-b, --bundle <dir>', 'bundle directory')
  .option('--rootfs <dir>', 'run a command in this root filesystem, with a default config')
  .option('--hostname <name>', 'hostname (with --rootfs)')
  .option('-e, --env <KEY=VALUE>', 'environment variable (with --rootfs), repeatable', collect, [])
  .option('--cwd <dir>', 'working directory (with --rootfs)')
  .option('--memory <bytes>', 'memory limit, e.g. 64m (with --rootfs)')
  .option('--pids-limit <n>', 'maximum number of processes (with --rootfs)')
  .option('-t, --tty', 'allocate a pseudo-terminal (with --rootfs)')
  .action(async (words: string[], flags: RunFlags) => {
    process.exit(flags.rootfs ? await runRootfs(words, flags) : await run({ id: words[0] ?? missing('a container id'), bundle: flags.bundle ?? '.', stateRoot: root() }));
  });

function missing(what: string): never {
  throw new RuntimeError(`missing ${what}`);
}

/** `run --rootfs`: write a default config into a temporary bundle, run it, remove the bundle. */
async function runRootfs(args: string[], flags: RunFlags): Promise<number> {
  if (!args.length) missing('a command to run (after --)');
  const spec = defaultSpec({ args, rootfs: resolve(flags.rootfs!), terminal: flags.tty, hostname: flags.hostname, env: flags.env, cwd: flags.cwd });
  const resources = (spec.linux!.resources ??= {});
  if (flags.memory) resources.memory = { limit: parseBytes(flags.memory) };
  if (flags.pidsLimit) resources.pids = { limit: parseCount(flags.pidsLimit) };
  const bundle = mkdtempSync(join(tmpdir(), 'skiff-bundle-'));
  try {
    writeFileSync(join(bundle, 'config.json'), JSON.stringify(spec, null, 2));
    return await run({ id: `skiff-${randomBytes(6).toString('hex')}`, bundle, stateRoot: root() });
  } finally {
    rmSync(bundle, { recursive: true, force: true });
  }
}
// #endregion run-command

// #region exec-command
program
  .command('exec')
  .description('run another process in a running container: `exec <id> [flags] -- CMD ARGS...`')
  .argument('<id>')
  .argument('<command...>')
  .option('-t, --tty', 'allocate a pseudo-terminal')
  .option('-e, --env <KEY=VALUE>', 'environment variable, repeatable', collect, [])
  .option('--cwd <dir>', 'working directory')
  .option('-u, --user <uid[:gid]>', 'user to run as')
  .action(async (id: string, command: string[], flags: { tty?: boolean; env: string[]; cwd?: string; user?: string }) => {
    const user = flags.user ? parseUser(flags.user) : undefined;
    process.exit(await exec(id, { args: command, env: flags.env, cwd: flags.cwd, terminal: flags.tty, user }, { stateRoot: root() }));
  });

function parseUser(text: string): { uid: number; gid: number } {
  const [uid, gid = uid] = text.split(':');
  if (!/^\d+$/.test(uid!) || !/^\d+$/.test(gid!)) throw new RuntimeError(`invalid user ${JSON.stringify(text)}: use numeric uid[:gid]`);
  return { uid: Number(uid), gid: Number(gid) };
}
// #endregion exec-command

// #region main
try {
  await program.parseAsync(process.argv);
  process.exit(0);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`skiff-runtime: ${message}\n`);
  process.exit(err instanceof RuntimeError ? err.exitCode : 1);
}
// #endregion main
