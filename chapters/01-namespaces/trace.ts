// trace.ts — where a container's start-up time goes (SKIFF_TRACE=1).

import { writeSync } from 'node:fs';

// #region trace
const enabled = process.env.SKIFF_TRACE === '1';

/** Wall-clock ms since the epoch, to a fraction of a ms. (Reading `performance` loads a module: only when tracing.) */
const now = () => performance.timeOrigin + performance.now();

/** The parent's start: ours, or the one the parent passed down. */
const origin = () => Number(process.env.SKIFF_TRACE_ORIGIN) || performance.timeOrigin;

/** One line: ms since the parent began, which process, what just happened. */
export function trace(who: 'runtime' | 'init', what: string, at?: number): void {
  if (!enabled) return;
  writeSync(2, `skiff-trace ${((at ?? now()) - origin()).toFixed(1).padStart(7)} ms  ${who.padEnd(7)}  ${what}\n`);
}

/** When this Node process itself began, then now: the cost of booting Node and loading our imports. */
export function traceBoot(who: 'runtime' | 'init'): void {
  if (!enabled) return;
  trace(who, 'node process began', performance.timeOrigin);
  trace(who, 'imports loaded, first line of our code');
}

/** The environment for init: empty, unless tracing is on. */
export function traceEnvironment(): Record<string, string> {
  return enabled ? { SKIFF_TRACE: '1', SKIFF_TRACE_ORIGIN: String(origin()) } : {};
}
// #endregion trace
