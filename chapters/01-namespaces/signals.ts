// signals.ts — naming signals, and passing them on.

import { constants } from 'node:os';
import { RuntimeError } from './errors.js';

// #region parse-signal
export type SignalName = NodeJS.Signals;

export function parseSignal(value: string | number): SignalName {
  const table = constants.signals as Record<string, number>;
  const text = String(value).trim().toUpperCase();
  if (/^\d+$/.test(text)) {
    const name = Object.keys(table).find((n) => table[n] === Number(text));
    if (name) return name as SignalName;
  } else {
    const name = text.startsWith('SIG') ? text : `SIG${text}`;
    if (name in table) return name as SignalName;
  }
  throw new RuntimeError(`unknown signal ${JSON.stringify(String(value))}`);
}

export function signalNumber(name: SignalName): number {
  return (constants.signals as Record<string, number>)[name]!;
}
// #endregion parse-signal

// #region forward
const FORWARDED: SignalName[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

/** Pass the signals this process receives on to `pid`; returns a function that stops it. */
export function forwardSignals(pid: number): () => void {
  const handler = (signal: SignalName) => {
    try {
      process.kill(pid, signal);
    } catch {
      // the container is already gone
    }
  };
  for (const signal of FORWARDED) process.on(signal, handler);
  return () => {
    for (const signal of FORWARDED) process.off(signal, handler);
  };
}
// #endregion forward
