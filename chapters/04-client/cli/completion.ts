// completion.ts — `skiff completion bash|zsh`: shell completion made from the table of commands.
//
// Completion is one more reader of commands.ts: the words a command line
// may continue with are the commands, the management groups and their
// verbs, and each command's flags. bash asks a function (`complete -F`,
// bash(1) "Programmable Completion"); zsh runs the same function through
// its bash compatibility layer (`bashcompinit`, zshcompsys(1)).

import { CliError, type Cli } from './cli.js';
import { COMMANDS, GROUPS } from './commands.js';

// #region completion
/** The words that may follow `prefix` (the command words typed so far), flags last. */
function wordsAfter(prefix: string): string[] {
  const groups = [...new Set(COMMANDS.flatMap((c) => (c.managed ? [c.managed[0]] : [])))];
  if (prefix === '') return [...COMMANDS.flatMap((c) => (c.name ? [c.name] : [])), ...groups, 'completion'];
  if (prefix === 'completion') return ['bash', 'zsh'];
  if (groups.includes(prefix)) return COMMANDS.flatMap((c) => (c.managed?.[0] === prefix ? c.managed.slice(1) : []));
  const spec = COMMANDS.find((c) => c.name === prefix || (c.managed && c.managed.slice(1).some((n) => `${c.managed![0]} ${n}` === prefix)));
  return (spec?.options ?? []).flatMap((o) => o.flags.split(/,\s*/)).concat('--help');
}

/** A bash function with a case for every command line the table knows. */
function bashScript(): string {
  const prefixes = new Set(['', 'completion', ...COMMANDS.flatMap((c) => [c.name ?? '', ...(c.managed ? [c.managed[0], ...c.managed.slice(1).map((n) => `${c.managed![0]} ${n}`)] : [])])]);
  const cases = [...prefixes].map((p) => `    ${JSON.stringify(p)}) words=${JSON.stringify(wordsAfter(p).join(' '))} ;;`).join('\n');
  return `# skiff completion for bash: source <(skiff completion bash)
_skiff() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prefix="" i w words
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=\${COMP_WORDS[i]}
    [[ $w == -* ]] && continue
    if [[ -z $prefix ]]; then prefix=$w; elif [[ " ${Object.keys(GROUPS).join(' ')} " == *" $prefix "* ]]; then prefix="$prefix $w"; else break; fi
  done
  case "$prefix" in
${cases}
    *) words="" ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _skiff skiff
`;
}

/** `skiff completion bash|zsh`. */
export async function completion(cli: Cli, [shell]: string[]): Promise<void> {
  if (shell === 'bash') return cli.out(bashScript());
  if (shell === 'zsh') return cli.out(`# skiff completion for zsh: source <(skiff completion zsh)\nautoload -U +X bashcompinit && bashcompinit\n${bashScript()}`);
  throw new CliError(`unsupported shell "${shell}": use bash or zsh`, 1);
}
// #endregion completion
