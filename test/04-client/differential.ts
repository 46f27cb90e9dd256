// The differential harness: one command line run twice against the same
// daemon, once by the real docker CLI and once by skiff, from the same
// starting state; what each printed (ids, times and sizes made neutral) and
// how each exited must be the same.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { skiffCommand, type Target } from './target.ts';

export interface Outcome {
  stdout: string;
  stderr: string;
  status: number | null;
}

export interface Scenario {
  name: string;
  /** A shell command line; `$CLI` is docker or skiff. */
  command: string;
  input?: string;
  /** docker commands (run with the real CLI) that make the starting state, run before each side. */
  setup?: string[][];
  /** Names of containers to remove, and images to untag, after each side. */
  cleanup?: { containers?: string[]; images?: string[] };
  /** Extra normalisation for this scenario's output. */
  normalize?: (text: string) => string;
  /** Compare bytes exactly (after id normalisation only): for outputs with no times in them. */
  exact?: boolean;
  /** Stdout alone: stderr carries a warning only docker prints (the legacy builder's). */
  ignoreStderr?: boolean;
}

/** Runs `command` with $CLI set to the given client, against the target daemon. */
export function runWith(target: Target, cli: string, command: string, input: string | undefined, cwd: string): Outcome {
  const env = {
    ...process.env, DOCKER_HOST: target.host, DOCKER_BUILDKIT: '0', CLI: cli, DOCKER_CONFIG: join(cwd, 'cli-config'),
  };
  const result = spawnSync('sh', ['-c', command], { encoding: 'utf8', env, input: input ?? '', timeout: 60_000, cwd });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

// #region neutral
/** Ids, times and sizes as placeholders, so that two runs can be compared. */
export function neutral(text: string, exact: boolean): string {
  let t = text
    .replace(/sha256:[0-9a-f]{64}/g, 'sha256:<ID>')
    .replace(/\b[0-9a-f]{64}\b/g, '<ID>')
    .replace(/\b[0-9a-f]{12}\b/g, '<ID12>')
    .replace(/\bdocker\b/g, 'skiff')
    .replace(/Skiff daemon at (\S+)\. Is skiffd running\?/g, 'Docker daemon at $1. Is the docker daemon running?');
  if (exact) return t;
  t = t
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)/g, '<TIME>')
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4} \w+/g, '<TIME>')
    .replace(/(Less than a second|About a minute|About an hour|\d+ (seconds?|minutes?|hours?|days?|weeks?|months?|years?))/g, '<DUR>')
    .replace(/\b\d+(\.\d+)?(B|kB|MB|GB)\b/g, '<SIZE>')
    .replace(/ {2,}/g, '  ')
    .replace(/ +$/gm, '');
  return t;
}
// #endregion neutral

// #region compare
/** Both outcomes of a scenario, normalised. */
export function compare(target: Target, scenario: Scenario, cwd: string): { docker: Outcome; skiff: Outcome } {
  const side = (cli: string): Outcome => {
    for (const args of scenario.setup ?? []) target.docker(args);
    try {
      const raw = runWith(target, cli, scenario.command, scenario.input, cwd);
      const norm = (s: string) => neutral(scenario.normalize ? scenario.normalize(s) : s, scenario.exact === true);
      return { stdout: norm(raw.stdout), stderr: scenario.ignoreStderr ? '' : norm(raw.stderr), status: raw.status };
    } finally {
      const { containers = [], images = [] } = scenario.cleanup ?? {};
      if (containers.length) target.docker(['rm', '-f', ...containers], { allowFail: true });
      if (images.length) target.docker(['rmi', '-f', ...images], { allowFail: true });
    }
  };
  return { docker: side('docker'), skiff: side(skiffCommand()) };
}
// #endregion compare
