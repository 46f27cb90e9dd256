// Where the tests find the executables they drive. Each can be pointed at
// another build with an environment variable, so an instructor can grade a
// student's engine with the very suite that proves ours:
//   SKIFF_RUNTIME="/path/to/their-runtime" npm test
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

function command(envVar: string, script: string): string[] {
  const override = process.env[envVar];
  if (override) return override.split(' ').filter(Boolean);
  return [process.execPath, resolve(root, script)];
}

/** The chapter 01 runtime, runc-like. */
export const runtimeCommand = (): string[] => command('SKIFF_RUNTIME', 'dist/chapters/01-namespaces/main.cjs');

/** The chapter 02 daemonless engine. */
export const engineCommand = (): string[] => command('SKIFF_ENGINE', 'dist/chapters/02-images/engine/main.js');

export const repoRoot = root;
