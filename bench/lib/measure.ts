// Small tools for the benchmarks: time a command N times, summarise, print a table.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';

export interface Summary {
  name: string;
  runs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
}

/** How many timed runs each measurement makes (BENCH_RUNS overrides). */
export const RUNS = Number(process.env.BENCH_RUNS ?? 20);
/** Untimed runs first, so that page cache and lazy kernel setup do not count. */
export const WARMUP = 2;

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function summarize(name: string, durations: number[]): Summary {
  return { name, runs: durations.length, medianMs: median(durations), minMs: Math.min(...durations), maxMs: Math.max(...durations) };
}

/**
 * Runs `argv(i)` to completion WARMUP + RUNS times and returns the wall-clock
 * durations of the timed runs. A run that fails stops the benchmark: a fast
 * failure must never pass for a fast start.
 */
export function timeCommand(name: string, argv: (run: number) => string[], options: SpawnSyncOptions = {}): Summary {
  return timeInTurns([{ name, argv, options }])[0]!;
}

/** One command of a set timed together: its name, its argv for run i, its spawn options. */
export interface Contender {
  name: string;
  argv: (run: number) => string[];
  options?: SpawnSyncOptions;
}

/**
 * Times several commands in turns (a run of each, then the next round), so
 * that a busy spell of the machine falls on all of them alike rather than
 * on whichever was running then; their ratios are what the tables compare.
 */
export function timeInTurns(contenders: Contender[]): Summary[] {
  const durations = contenders.map((): number[] => []);
  for (let i = 0; i < WARMUP + RUNS; i++) {
    contenders.forEach(({ name, argv, options }, c) => {
      const [cmd, ...args] = argv(i);
      const start = process.hrtime.bigint();
      const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], ...options });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (r.error) throw r.error;
      if (r.status !== 0) throw new Error(`${name}: run ${i} exited ${r.status ?? r.signal}: ${String(r.stderr).trim()}`);
      if (i >= WARMUP) durations[c]!.push(ms);
    });
  }
  return contenders.map(({ name }, c) => summarize(name, durations[c]!));
}

/** Prints summaries as an aligned table, with each median's ratio to the reference's. */
export function printTable(title: string, rows: Summary[], reference: string): void {
  const ref = rows.find((r) => r.name === reference);
  const header = ['', 'median ms', 'min ms', 'max ms', `× ${reference}`];
  const body = rows.map((r) => [
    r.name,
    r.medianMs.toFixed(1),
    r.minMs.toFixed(1),
    r.maxMs.toFixed(1),
    ref ? (r.medianMs / ref.medianMs).toFixed(2) : '-',
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  console.log(`\n${title} (${rows[0]?.runs ?? 0} runs each, after ${WARMUP} warm-up runs)\n`);
  console.log(line(header));
  console.log(widths.map((w) => '─'.repeat(w)).join('  '));
  for (const row of body) console.log(line(row));
}
