// help.ts — `--help` and usage mistakes, worded as the docker CLI words them (cobra's templates).

import { CliError } from './cli.js';
import { COMMANDS, GROUPS, type CommandSpec } from './commands.js';

// #region help-text
/** `skiff run --help`: usage, summary, aliases, and the flags in two aligned columns. */
export function helpText(spec: CommandSpec | null, path: string): string {
  if (!spec) return topLevelHelp();
  const aliases = [spec.managed && spec.managed.slice(1).map((n) => `skiff ${spec.managed![0]} ${n}`), spec.name && `skiff ${spec.name}`].flat().filter(Boolean);
  const rows = spec.options.map((o) => {
    const [short, long] = o.flags.includes(',') ? o.flags.split(/,\s*/) : [undefined, o.flags];
    const type = o.type === 'bool' ? '' : ` ${o.type}`;
    const def = o.default && o.type !== 'bool' ? ` (default ${o.type === 'string' ? `"${o.default}"` : o.default})` : '';
    return [`${short ? `${short}, ` : '    '}${long}${type}`, `${o.description}${def}`];
  });
  const width = Math.max(0, ...rows.map(([left]) => left!.length)) + 3;
  // A description of several lines goes on under its own first line.
  const options = rows.map(([left, right]) => `  ${left!.padEnd(width)}${right!.split('\n').join(`\n  ${' '.repeat(width)}`)}`).join('\n');
  return [
    `Usage:  skiff ${path} ${spec.usage}`, '', spec.summary, '',
    ...(aliases.length > 1 ? ['Aliases:', `  ${aliases.join(', ')}`, ''] : []),
    ...(rows.length ? ['Options:', options, ''] : []),
  ].join('\n');
}

function topLevelHelp(): string {
  const common = COMMANDS.filter((c) => c.name).map((c) => `  ${c.name!.padEnd(11)}${c.summary}`);
  return ['Usage:  skiff [OPTIONS] COMMAND', '', 'A client for Docker-compatible engines: skiffd, or dockerd', '', 'Commands:', ...common, '',
    'Management Commands:', ...Object.entries(GROUPS).map(([group, summary]) => `  ${group.padEnd(11)}${summary}`), '',
    'Global Options:', '  -H, --host string   Daemon socket to connect to', '      --tlsverify     Use TLS and verify the remote', '  -v, --version       Print version information and quit', '',
    "Run 'skiff COMMAND --help' for more information on a command.", ''].join('\n');
}

/** `skiff network` alone: its verbs, each once (no aliases), in cobra's sorted, padded list. */
export function groupHelp(group: string): string {
  const verbs = COMMANDS.filter((c) => c.managed?.[0] === group).map((c) => [c.managed![1], c.summary] as const).sort(([a], [b]) => (a < b ? -1 : 1));
  const width = Math.max(11, ...verbs.map(([name]) => name.length));
  return [`Usage:  skiff ${group} COMMAND`, '', GROUPS[group], '', 'Commands:', ...verbs.map(([name, summary]) => `  ${name.padEnd(width)} ${summary}`), '',
    `Run 'skiff ${group} COMMAND --help' for more information on a command.`, ''].join('\n');
}
// #endregion help-text

// #region usage-errors
/** The wrong number of words: `'skiff rm' requires at least 1 argument`, exit 1. */
export function usageError(spec: CommandSpec, path: string, given: number): CliError {
  const [min, max] = spec.args;
  const plural = (n: number) => `${n} argument${n === 1 ? '' : 's'}`;
  const [what, verb] =
    max === 0 ? ['accepts no arguments', 'Run']
    : min === max ? [`requires ${plural(min)}`, 'Run']
    : max === null ? [`requires at least ${plural(min)}`, 'See']
    : given < min ? [`requires at least ${plural(min)}`, 'See']
    : min === 0 ? [`requires at most ${plural(max)}`, 'See']
    : [`requires at least ${min} and at most ${plural(max)}`, 'See'];
  return new CliError(`skiff: 'skiff ${path}' ${what}\n\nUsage:  skiff ${path} ${spec.usage}\n\n${verb} 'skiff ${path} --help' for more information`, 1);
}

/** A flag mistake: the line, the usage, and exit 125. */
export function flagUsageError(line: string, spec: CommandSpec | undefined, path: string): CliError {
  if (!spec) return new CliError(`${line}\nSee 'skiff --help'.`, 125);
  return new CliError(`${line}\n\nUsage:  skiff ${path} ${spec.usage}\n\nRun 'skiff ${path} --help' for more information`, 125);
}
// #endregion usage-errors
