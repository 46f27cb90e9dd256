#!/usr/bin/env node
// main.ts — `skiff`, the command line: the table of commands.ts turned into a parser.
//
// The parsing is commander's (a dependency already, well kept, quick to
// load); what is ours is the shape of every message around it, because a
// Docker user and their scripts know docker's: `unknown flag: --foo` and
// exit 125 for a flag mistake, `'skiff rm' requires at least 1 argument` and
// exit 1 for a missing word, `Error response from daemon: …` for what the
// daemon refused. Each command's code is imported only when it runs.

import { Command, CommanderError, Option } from 'commander';
import { Cli, CliError, FlagError, type Flags, type GlobalOptions } from './cli.js';
import { COMMANDS, GROUPS, type CommandSpec, type OptionSpec } from './commands.js';
import { readConfig } from './credentials.js';
import { groupHelp, helpText, usageError } from './help.js';

// #region build-parser
/** Adds one command of the table to a commander parent under `name`. */
function addCommand(parent: Command, spec: CommandSpec, name: string, path: string, cli: () => Cli, done: (code: number) => void): void {
  const command = parent.command(name).helpOption(false).allowUnknownOption(false).allowExcessArguments(true).argument('[args...]');
  command.option('--help', 'Print usage');
  for (const option of spec.options) command.addOption(toOption(option));
  if (spec.stopAtFirstWord) command.passThroughOptions();
  command.action(async (words: string[], parsed: Record<string, unknown>) => {
    if (parsed.help) return done((process.stdout.write(helpText(spec, path)), 0));
    const [min, max] = spec.args;
    if (words.length < min || (max !== null && words.length > max)) throw usageError(spec, path, words.length);
    done((await spec.action(cli(), words, flagsOf(spec, parsed))) ?? 0);
  });
}

/** A flag of the table as a commander Option: lists collect, values are checked later. */
function toOption(spec: OptionSpec): Option {
  const takesValue = spec.type !== 'bool';
  const option = new Option(takesValue ? `${spec.flags} <${spec.type}>` : spec.flags, spec.description);
  if (spec.type === 'list') option.argParser((value: string, previous: string[] = []) => [...previous, value]);
  return option;
}

/** Commander's values under the flags' long names; `--no-trunc` stays `no-trunc: true`, not `trunc: false`. */
function flagsOf(spec: CommandSpec, parsed: Record<string, unknown>): Flags {
  const flags: Flags = {};
  for (const option of spec.options) {
    const long = /--([\w-]+)/.exec(option.flags)![1]!;
    const attribute = long.replace(/^no-/, '').replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
    const value = parsed[long.startsWith('no-') ? attribute : attribute];
    if (long.startsWith('no-')) flags[long] = value === false;
    else flags[long] = (value ?? (option.default !== undefined && option.type === 'bool' ? option.default === 'true' : option.default)) as Flags[string];
  }
  return flags;
}
// #endregion build-parser

// #region program
/** The whole parser: global flags, every command, and the management groups. */
function buildProgram(cli: () => Cli, done: (code: number) => void): Command {
  const program = new Command('skiff').helpOption(false).enablePositionalOptions().allowExcessArguments(false);
  program.option('-H, --host <host>', 'Daemon socket to connect to').option('--tlsverify', 'Use TLS and verify the remote').option('-v, --version', 'Print version information and quit');
  program.option('--help', 'Print usage');
  program.exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  const groups = new Map<string, Command>();
  for (const spec of [...COMMANDS, COMPLETION]) {
    if (spec.name) addCommand(program, spec, spec.name, spec.name, cli, done);
    if (!spec.managed) continue;
    const [group, ...names] = spec.managed;
    if (!groups.has(group)) groups.set(group, program.command(group).helpOption(false).enablePositionalOptions().exitOverride());
    for (const name of names) addCommand(groups.get(group)!, spec, name, `${group} ${name}`, cli, done);
  }
  return program;
}
/** `skiff completion`, which reads the table itself (so it is not in the table: no import cycle). */
const COMPLETION: CommandSpec = {
  name: 'completion', usage: 'bash|zsh', summary: 'Print a shell completion script for skiff', args: [1, 1], options: [],
  action: async (cli, words) => (await import('./completion.js')).completion(cli, words),
};
// #endregion program

// #region main
/** Runs one command line and resolves with its exit status. */
export async function main(argv: string[]): Promise<number> {
  let globals: GlobalOptions = {};
  let exitCode: number | undefined;
  let current = '';
  const program = buildProgram(() => new Cli(globals), (code) => (exitCode = code));
  program.hook('preAction', (_, action) => {
    globals = program.opts() as GlobalOptions;
    current = action.parent && action.parent !== program ? `${action.parent.name()} ${action.name()}` : action.name();
  });
  try {
    // Read once before any command, as the docker CLI loads it: a broken file is a warning, whatever the command.
    readConfig();
    const answer = answerAtOnce(argv);
    if (answer !== undefined) return answer;
    await program.parseAsync(argv, { from: 'user' });
    return exitCode ?? 0;
  } catch (error) {
    return report(error, current || guessCommand(argv));
  }
}

// #endregion main

// #region answer-at-once
/** What needs no parser: the help, the version, and a management command alone (its help on stderr, as cobra prints it). */
function answerAtOnce(argv: string[]): number | undefined {
  if (argv.length === 0 || argv[0] === '--help') return (process.stdout.write(helpText(null, '')), 0);
  if (argv[0] === '-v' || argv[0] === '--version') return (process.stdout.write('Skiff version 0.1.0\n'), 0);
  if (argv.length === 1 && argv[0]! in GROUPS) return (process.stderr.write(groupHelp(argv[0]!)), 0);
  return undefined;
}
// #endregion answer-at-once

// #region report

/** The one line (or docker's few) a failure prints, and its exit status. */
async function report(error: unknown, command: string): Promise<number> {
  const { describeError } = await import('./errors.js');
  const { message, exitCode } = describeError(error, command, argv0Spec(command));
  if (message) process.stderr.write(message.endsWith('\n') ? message : `${message}\n`);
  return exitCode;
}

const argv0Spec = (command: string): CommandSpec | undefined =>
  COMMANDS.find((s) => s.name === command || (s.managed && s.managed.slice(1).some((n) => `${s.managed![0]} ${n}` === command)));

/** The command words of argv, for a message about a flag commander refused before any action ran. */
function guessCommand(argv: string[]): string {
  const words = argv.filter((a) => !a.startsWith('-'));
  const group = words[0] !== undefined && words[0] in GROUPS ? `${words[0]} ${words[1] ?? ''}`.trim() : words[0] ?? '';
  return group;
}

export { CommanderError, CliError, FlagError };
// #endregion report

// #region entry
// This module is only ever an entry point (nothing imports the command line).
{
  // stdout and stderr are synchronous for files and pipes on Linux (Node's
  // process I/O notes), so exiting cannot cut output short; it does end a
  // request some command left open, such as run -d's wait.
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 125;
    },
  );
}
// #endregion entry
