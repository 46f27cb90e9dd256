// errors.ts — every failure as the docker CLI reports it: the words, and the exit status.

import { CommanderError } from 'commander';
import { CliError, FlagError } from './cli.js';
import { GROUPS, type CommandSpec } from './commands.js';
import { flagUsageError } from './help.js';
import { ConnectionError, EngineError, StreamError } from '../sdk/index.js';
import { TemplateError } from './template.js';

// #region describe-error
/**
 * Turns an error into the text and status docker would give. run and create
 * report a daemon's refusal as `skiff: …` plus a pointer to --help and exit
 * 125 (the container never ran, so no status of its own exists); other
 * commands print `Error response from daemon: …` and exit 1.
 */
export function describeError(error: unknown, path: string, spec: CommandSpec | undefined): { message: string; exitCode: number } {
  if (error instanceof FlagError) return { message: flagUsageError(error.message, spec, path).message, exitCode: 125 };
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  if (error instanceof CommanderError) return fromCommander(error, path, spec);
  const text =
    error instanceof EngineError ? `Error response from daemon: ${error.message}`
    : error instanceof ConnectionError || error instanceof StreamError ? error.message
    : error instanceof TemplateError ? `${error.phase === 'parse' ? 'template parsing error' : 'failed to execute template'}: template: ${error.message}`
    : String((error as Error)?.message ?? error);
  if (path === 'run' || path === 'create' || path === 'container run' || path === 'container create') {
    return { message: `skiff: ${text}\n\nRun 'skiff ${path} --help' for more information`, exitCode: 125 };
  }
  return { message: text, exitCode: 1 };
}

// #endregion describe-error

// #region commander-errors
/** Commander's parse errors in cobra's words. */
function fromCommander(error: CommanderError, path: string, spec: CommandSpec | undefined): { message: string; exitCode: number } {
  const option = /'([^' ]+)/.exec(error.message)?.[1] ?? '';
  switch (error.code) {
    case 'commander.unknownOption': {
      const line = option.startsWith('--') ? `unknown flag: ${option}` : `unknown shorthand flag: '${option.slice(1, 2)}' in ${option}`;
      return { message: flagUsageError(line, spec, path).message, exitCode: 125 };
    }
    case 'commander.optionMissingArgument': {
      const typed = process.argv.slice(2).at(-1) ?? option;
      const line = typed.startsWith('--') ? `flag needs an argument: ${typed}` : `flag needs an argument: '${typed.slice(1).at(-1)}' in ${typed}`;
      return { message: flagUsageError(line, spec, path).message, exitCode: 125 };
    }
    case 'commander.unknownCommand':
    case 'commander.excessArguments': {
      const words = process.argv.slice(2).filter((w) => !w.startsWith('-'));
      const group = words[0] !== undefined && words[0] in GROUPS ? words[0] : undefined;
      const usage = group ? `\n\nUsage:  skiff ${group}` : '';
      return { message: `skiff: unknown command: skiff ${words.slice(0, group ? 2 : 1).join(' ')}${usage}\n\nRun 'skiff ${group ? `${group} ` : ''}--help' for more information`, exitCode: 1 };
    }
    default:
      return { message: error.message.replace(/^error: /, ''), exitCode: 125 };
  }
}
// #endregion commander-errors
