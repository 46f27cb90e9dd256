// hooks.ts — the programs config.json asks to run at moments of the lifecycle (config.md, "POSIX-platform Hooks").

import { spawnSync } from 'node:child_process';
import { RuntimeError } from './errors.js';
import type { HookName, HookSpec, Spec } from './spec.js';
import type { OciState } from './state.js';

// #region run-hooks
/**
 * Run the hooks of one moment, in order, each given the container's state
 * as JSON on its stdin (runtime.md, "State"). `path` is the program, `args`
 * its whole argv (argv[0] included, as execv(3) takes it), `env` its whole
 * environment, `timeout` in seconds. The first that fails — a non-zero
 * exit, a signal, a timeout, a path that is not there — throws a
 * RuntimeError naming the moment and the hook: the caller decides whether
 * that fails the operation or is only a warning.
 */
export function runHooks(spec: Spec, name: HookName, state: OciState): void {
  const hooks: HookSpec[] = spec.hooks?.[name] ?? [];
  hooks.forEach((hook, index) => {
    const what = `${name} hook #${index} (${hook.path})`;
    const r = spawnSync(hook.path, (hook.args ?? [hook.path]).slice(1), {
      argv0: hook.args?.[0] ?? hook.path,
      env: Object.fromEntries((hook.env ?? []).map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)])),
      input: JSON.stringify(state),
      stdio: ['pipe', 'inherit', 'inherit'],
      timeout: hook.timeout ? hook.timeout * 1000 : undefined,
      killSignal: 'SIGKILL',
    });
    if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') throw new RuntimeError(`${what}: timed out after ${hook.timeout}s`);
    if (r.error) throw new RuntimeError(`${what}: ${(r.error as NodeJS.ErrnoException).code ?? r.error.message}`);
    if (r.signal) throw new RuntimeError(`${what}: killed by ${r.signal}`);
    if (r.status !== 0) throw new RuntimeError(`${what}: exit status ${r.status}`);
  });
}

/** poststart and poststop: a failure is a warning on stderr, and the operation goes on (runtime.md, "Lifecycle"). */
export function runHooksWarning(spec: Spec, name: HookName, state: OciState): void {
  try {
    runHooks(spec, name, state);
  } catch (err) {
    process.stderr.write(`skiff-runtime: warning: ${(err as Error).message}\n`);
  }
}

// #endregion run-hooks
