#!/usr/bin/env node
// main.ts — skiff-runtime, the command line over the library.

import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { writeAtomically } from './atomic-write.js';
import { create, deleteContainer, kill, list, pause, resume, run, start, state } from './container.js';
import { defaultSpec } from './default-spec.js';
import { InvalidArgumentError, RuntimeError } from './errors.js';
import { exec } from './exec.js';
import { DEFAULT_STATE_ROOT, type OciState } from './state.js';
import { trace, traceBoot } from './trace.js';

// #region boot
traceBoot('runtime');
// #endregion boot

// #region command-table
type Options = NonNullable<ParseArgsConfig['options']>;
type Flags = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** One subcommand: how it is written, and what it does with its words and flags. */
interface Command {
  usage: string;
  summary: string;
  options?: Options;
  /** Resolves with the exit status, or with nothing for 0. */
  action(words: string[], flags: Flags, stateRoot: string): Promise<number | void> | number | void;
}

/** The value of a string flag; parseArgs has already refused a flag without its value. */
const stringFlag = (value: Flags[string]) => (typeof value === 'string' ? value : undefined);
const stringFlags = (value: Flags[string]) => (Array.isArray(value) ? value.map(String) : []);

/** The positional word at `index`, or a one-line error naming what is missing. */
function word(words: string[], index: number, what: string): string {
  const value = words[index];
  if (value === undefined) throw new RuntimeError(`missing ${what}`);
  return value;
}
const containerId = (words: string[]) => word(words, 0, 'a container id');
const bundleOption = { bundle: { type: 'string', short: 'b', default: '.' } } satisfies Options;
// #endregion command-table

// #region parse-helpers
/** "64m" → 67108864: docker's size suffixes, powers of 1024. */
export function parseBytes(text: string): number {
  const match = /^(\d+)([kmgt]?)b?$/i.exec(text.trim());
  if (!match) throw new RuntimeError(`invalid size ${JSON.stringify(text)}: use a number of bytes, optionally with k, m, g or t`);
  const power = ' kmgt'.indexOf((match[2] || ' ').toLowerCase());
  return Number(match[1]) * 1024 ** power;
}

/** A count of things, such as processes: 1 or more (leaving a flag out is how to ask for no limit). */
function parseCount(text: string, flag: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new RuntimeError(`invalid ${flag} ${JSON.stringify(text)}: use a whole number, 1 or more`);
  return Number(text);
}

function parseUser(text: string): { uid: number; gid: number } {
  const [uid, gid = uid] = text.split(':');
  if (!/^\d+$/.test(uid!) || !/^\d+$/.test(gid!)) throw new RuntimeError(`invalid user ${JSON.stringify(text)}: use numeric uid[:gid]`);
  return { uid: Number(uid), gid: Number(gid) };
}
// #endregion parse-helpers

// #region lifecycle-commands
const LIFECYCLE: Record<string, Command> = {
  spec: {
    usage: 'spec [-b DIR] [--rootfs DIR] [-- COMMAND ARGS...]',
    summary: 'write a default config.json into a bundle directory, like `runc spec`',
    options: { ...bundleOption, rootfs: { type: 'string', default: 'rootfs' } },
    action(command, flags) {
      const file = join(resolve(stringFlag(flags.bundle)!), 'config.json');
      if (existsSync(file)) throw new RuntimeError(`${file} already exists`);
      const spec = defaultSpec({ args: command.length ? command : ['sh'], rootfs: stringFlag(flags.rootfs) });
      writeAtomically(file, JSON.stringify(spec, null, 2) + '\n');
    },
  },
  create: {
    usage: 'create <id> [-b DIR] [--pid-file FILE]',
    summary: 'create a container from a bundle; it waits for `start`',
    options: { ...bundleOption, 'pid-file': { type: 'string' } },
    async action(words, flags, stateRoot) {
      await create({ id: containerId(words), bundle: stringFlag(flags.bundle)!, stateRoot, pidFile: stringFlag(flags['pid-file']) });
    },
  },
  start: {
    usage: 'start <id>',
    summary: 'start a created container',
    action: (words, _, stateRoot) => start(containerId(words), { stateRoot }),
  },
  // #endregion lifecycle-commands
  // #region more-commands
  state: {
    usage: 'state <id>',
    summary: "print a container's OCI state",
    action: (words, _, stateRoot) => console.log(JSON.stringify(state(containerId(words), { stateRoot }), null, 2)),
  },
  kill: {
    usage: 'kill <id> [SIGNAL]',
    summary: "send a signal (a name or a number; SIGTERM if none) to a container's PID 1",
    action: (words, _, stateRoot) => kill(containerId(words), words[1] ?? 'SIGTERM', { stateRoot }),
  },
  pause: {
    usage: 'pause <id>',
    summary: 'freeze every process of a container',
    action: (words, _, stateRoot) => pause(containerId(words), { stateRoot }),
  },
  resume: {
    usage: 'resume <id>',
    summary: 'thaw a paused container',
    action: (words, _, stateRoot) => resume(containerId(words), { stateRoot }),
  },
  delete: {
    usage: 'delete [-f] <id>',
    summary: 'delete a stopped container; with -f (--force), kill it first if it still runs, and succeed if it does not exist',
    options: { force: { type: 'boolean', short: 'f' } },
    action: (words, flags, stateRoot) => deleteContainer(containerId(words), { force: flags.force === true, stateRoot }),
  },
  list: {
    usage: 'list [-f table|json] [-q]',
    summary: 'list containers',
    options: { format: { type: 'string', short: 'f', default: 'table' }, quiet: { type: 'boolean', short: 'q' } },
    action(_, flags, stateRoot) {
      const format = stringFlag(flags.format)!;
      if (format !== 'table' && format !== 'json') throw new RuntimeError(`invalid format ${JSON.stringify(format)}: use table or json`);
      printList(list({ stateRoot }), { format, quiet: flags.quiet === true });
    },
  },
};
// #endregion more-commands

// #region print-list
function printList(states: OciState[], { format, quiet }: { format: string; quiet: boolean }): void {
  if (quiet) return states.forEach((s) => console.log(s.id));
  if (format === 'json') return console.log(JSON.stringify(states));
  const rows = [['ID', 'PID', 'STATUS', 'BUNDLE', 'CREATED'], ...states.map((s) => [s.id, String(s.pid), s.status, s.bundle, s.created])];
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  for (const row of rows) console.log(row.map((cell, col) => cell.padEnd(widths[col]!)).join('   ').trimEnd());
}
// #endregion print-list

// #region run-command
const RUN: Command = {
  usage: 'run <id> [-b DIR]\n  run --rootfs DIR [--hostname NAME] [-e K=V]... [--cwd DIR] [--memory SIZE] [--pids-limit N] [-t] -- COMMAND ARGS...',
  summary: 'run a bundle in the foreground, or a command in a root filesystem with a default config',
  options: {
    ...bundleOption,
    rootfs: { type: 'string' },
    hostname: { type: 'string' },
    env: { type: 'string', short: 'e', multiple: true },
    cwd: { type: 'string' },
    memory: { type: 'string' },
    'pids-limit': { type: 'string' },
    tty: { type: 'boolean', short: 't' },
  },
  action(words, flags, stateRoot) {
    if (flags.rootfs) return runRootfs(words, flags, stateRoot);
    return run({ id: containerId(words), bundle: stringFlag(flags.bundle)!, stateRoot });
  },
};
// #endregion run-command

// #region run-rootfs
/**
 * Twelve random hex digits. Only uniqueness matters, not secrecy, and the
 * atomic claim of the state directory refuses a duplicate anyway; so
 * Math.random does, and node:crypto (several ms to load) is not needed.
 */
const newContainerId = () => `skiff-${Math.floor(Math.random() * 2 ** 48).toString(16).padStart(12, '0')}`;

/** `run --rootfs`: write a default config into a temporary bundle, run it, remove the bundle. */
async function runRootfs(args: string[], flags: Flags, stateRoot: string): Promise<number> {
  if (!args.length) throw new RuntimeError('missing a command to run (after --)');
  // Checked here, in the words the user typed: the config.json that would
  // otherwise report it is one we write, which the user never saw.
  const rootfs = resolve(stringFlag(flags.rootfs)!);
  if (!existsSync(rootfs)) throw new RuntimeError(`rootfs ${rootfs} does not exist`);
  if (!statSync(rootfs).isDirectory()) throw new RuntimeError(`rootfs ${rootfs} is not a directory`);
  const spec = defaultSpec({
    args, rootfs, terminal: flags.tty === true,
    hostname: stringFlag(flags.hostname), env: stringFlags(flags.env), cwd: stringFlag(flags.cwd),
  });
  const resources = (spec.linux!.resources ??= {});
  if (flags.memory) resources.memory = { limit: parseBytes(stringFlag(flags.memory)!) };
  if (flags['pids-limit']) resources.pids = { limit: parseCount(stringFlag(flags['pids-limit'])!, '--pids-limit') };
  const bundle = mkdtempSync(join(tmpdir(), 'skiff-bundle-'));
  try {
    // A plain write: the bundle is this command's own, in a fresh directory
    // that no one else reads and that goes when the command ends.
    writeFileSync(join(bundle, 'config.json'), JSON.stringify(spec, null, 2));
    return await run({ id: newContainerId(), bundle, stateRoot });
  } finally {
    rmSync(bundle, { recursive: true, force: true });
  }
}
// #endregion run-rootfs

// #region exec-command
const EXEC: Command = {
  usage: 'exec <id> [-t] [-e K=V]... [--cwd DIR] [-u UID[:GID]] -- COMMAND ARGS...',
  summary: 'run another process in a running container',
  options: {
    tty: { type: 'boolean', short: 't' },
    env: { type: 'string', short: 'e', multiple: true },
    cwd: { type: 'string' },
    user: { type: 'string', short: 'u' },
  },
  action(words, flags, stateRoot) {
    const args = words.slice(1);
    if (!args.length) throw new RuntimeError('missing a command to run (after --)');
    const user = flags.user ? parseUser(stringFlag(flags.user)!) : undefined;
    const proc = { args, env: stringFlags(flags.env), cwd: stringFlag(flags.cwd), terminal: flags.tty === true, user };
    return exec(containerId(words), proc, { stateRoot });
  },
};
// #endregion exec-command

// #region seccomp-command
const SECCOMP: Command = {
  usage: 'seccomp FILE',
  summary: 'print the BPF program a seccomp profile (the linux.seccomp object of config.json) compiles to',
  async action(words) {
    const file = resolve(word(words, 0, 'a seccomp profile (a JSON file)'));
    const { checkProfile, compileSeccomp, disassemble } = await import('./seccomp/index.js');
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new RuntimeError(`${file}: ${(err as Error).message}`);
    }
    const { program, flags } = compileSeccomp(checkProfile(json, file));
    console.log(disassemble(program).join('\n'));
    if (flags) console.log(`seccomp(2) flags: 0x${flags.toString(16)}`);
  },
};
// #endregion seccomp-command

// #region help
const COMMANDS: Record<string, Command> = { ...LIFECYCLE, run: RUN, exec: EXEC, seccomp: SECCOMP };

const HELP = [
  'Usage: skiff-runtime [--root DIR] COMMAND [FLAGS] [ARGS...]',
  '',
  'Run OCI bundles in Linux namespaces: a runc-like runtime written in TypeScript.',
  `--root DIR is the directory for container state (default ${DEFAULT_STATE_ROOT}).`,
  '',
  'Commands:',
  ...Object.values(COMMANDS).map((c) => `  ${c.usage}\n      ${c.summary}`),
].join('\n');

function printHelp(text: string): number {
  console.log(text);
  return 0;
}
// #endregion help

// #region parse-flags
/**
 * parseArgs, with its mistakes said in one line and in our words. Its own
 * errors run over several lines, suggest its own syntax and name the flag
 * only inside their text; so it parses leniently (`strict: false`) and we
 * judge its tokens, which say which flag was given and with what value.
 */
function parseFlags(name: string, command: Command, args: string[]) {
  const options: Options = { ...command.options, help: { type: 'boolean', short: 'h' } };
  const parsed = parseArgs({ args, options, allowPositionals: true, strict: false, tokens: true });
  const hint = `(try ${name} --help)`;
  for (const token of parsed.tokens) {
    if (token.kind !== 'option') continue;
    const option = options[token.name];
    const flag = `--${token.name}`; // "-f" is named by its long form, --format
    if (!option) throw new InvalidArgumentError(`${name}: unknown option ${token.rawName} ${hint}`);
    if (option.type === 'boolean' && token.value !== undefined) throw new InvalidArgumentError(`${name}: option ${flag} takes no value ${hint}`);
    if (option.type === 'string' && token.value === undefined) throw new InvalidArgumentError(`${name}: option ${flag} needs a value ${hint}`);
    if (option.type === 'string' && !token.inlineValue && token.value!.startsWith('-')) {
      // `--pids-limit -5`: a value or a forgotten one? Only `=` says for sure.
      throw new InvalidArgumentError(`${name}: option ${flag} needs a value; for one that starts with a dash, write ${flag}=VALUE`);
    }
  }
  return parsed;
}
// #endregion parse-flags

// #region main
/** Runs one command line; resolves with the exit status. */
async function main(argv: string[]): Promise<number> {
  // Global flags come before the command, as with runc.
  let stateRoot = DEFAULT_STATE_ROOT;
  let i = 0;
  for (; argv[i]?.startsWith('-'); i++) {
    const flag = argv[i]!;
    if (flag === '-h' || flag === '--help') return printHelp(HELP);
    if (flag === '--root') stateRoot = word(argv, ++i, 'a directory after --root');
    else if (flag.startsWith('--root=')) stateRoot = flag.slice('--root='.length);
    else throw new RuntimeError(`unknown option ${flag} (try --help)`);
  }
  const name = word(argv, i, 'a command (try --help)');
  if (name === 'help') return printHelp(HELP);
  const command = COMMANDS[name];
  if (!command) throw new RuntimeError(`unknown command ${JSON.stringify(name)} (try --help)`);
  const { values, positionals } = parseFlags(name, command, argv.slice(i + 1));
  if (values.help) return printHelp(`Usage: skiff-runtime [--root DIR] ${command.usage}\n\n${command.summary}`);
  return (await command.action(positionals, values, resolve(stateRoot))) ?? 0;
}

// A promise rather than a top-level await, which only an ES module may
// use: the runtime is built into one CommonJS file (bundle-processes.ts).
main(process.argv.slice(2)).then(
  (status) => {
    trace('runtime', 'exit');
    process.exit(status);
  },
  (err: unknown) => {
    // One line, whatever the error: a script reads the first line of stderr.
    const message = (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, ' ');
    process.stderr.write(`skiff-runtime: ${message}\n`);
    process.exit(err instanceof RuntimeError ? err.exitCode : 1);
  },
);
// #endregion main
