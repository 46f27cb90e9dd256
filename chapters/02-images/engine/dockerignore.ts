// dockerignore.ts — which files of the build context the build may see.

import dockerignore from '@balena/dockerignore';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// #region dockerignore
/**
 * Answers whether a context-relative path (`src/a.txt`) is excluded.
 * `hasExceptions` says that some `!` line may re-include a file inside an
 * excluded directory, so a walker must still look inside it (as Docker does).
 */
export interface IgnoreRule {
  (relativePath: string): boolean;
  hasExceptions: boolean;
}

/** Reads `<context>/.dockerignore`; no file means nothing is excluded. */
export function readDockerignore(contextDir: string): IgnoreRule {
  const file = join(contextDir, '.dockerignore');
  if (!existsSync(file)) return Object.assign(() => false, { hasExceptions: false });
  return dockerignoreRule(readFileSync(file, 'utf8'));
}

/** Builds the rule from the file's text: comments and blank lines dropped. */
export function dockerignoreRule(text: string): IgnoreRule {
  const patterns = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  // The package is CommonJS; its factory is also exported as `.default`, which its typings name.
  const matcher = dockerignore.default().add(patterns);
  const rule = (relativePath: string): boolean => relativePath !== '' && relativePath !== '.' && matcher.ignores(relativePath);
  return Object.assign(rule, { hasExceptions: patterns.some((p) => p.startsWith('!')) });
}
// #endregion dockerignore
