// `skiff completion bash` in a real bash: the function it prints completes
// commands, management verbs and flags from the table of commands.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { skiffCommand } from './target.ts';

/** What bash offers for the words typed so far (the last one being completed). */
function complete(...words: string[]): string[] {
  const script = `source <(${skiffCommand()} completion bash); COMP_WORDS=(skiff ${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length}; _skiff; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.split('\n').filter(Boolean);
}

describe('skiff completion', () => {
  it('completes commands, management verbs and flags', () => {
    assert.deepEqual(complete('ima'), ['images', 'image']);
    assert.deepEqual(complete('container', 'l'), ['ls', 'list', 'logs']);
    assert.deepEqual(complete('run', '--re'), ['--read-only', '--restart']);
    assert.deepEqual(complete('image', 'ls', '--no'), ['--no-trunc']);
    assert.deepEqual(complete('net'), ['network']);
    assert.deepEqual(complete('network', 'c'), ['create', 'connect']);
    assert.deepEqual(complete('network', 'connect', '--'), ['--alias', '--ip', '--help']);
    assert.deepEqual(complete('volume', 'prune', '-'), ['-a', '--all', '--filter', '-f', '--force', '--help']);
    assert.deepEqual(complete('run', '--dns'), ['--dns', '--dns-option', '--dns-search']);
  });

  it('zsh gets the same function through bashcompinit; another shell is refused', () => {
    const zsh = spawnSync('sh', ['-c', `${skiffCommand()} completion zsh`], { encoding: 'utf8' });
    assert.match(zsh.stdout, /^autoload -U \+X bashcompinit && bashcompinit$/m);
    assert.match(zsh.stdout, /^complete -F _skiff skiff$/m);
    const fish = spawnSync('sh', ['-c', `${skiffCommand()} completion fish`], { encoding: 'utf8' });
    assert.equal(fish.status, 1);
    assert.equal(fish.stderr, 'unsupported shell "fish": use bash or zsh\n');
  });
});
