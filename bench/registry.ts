// Registry throughput: skopeo pushes a ~100 MB image (four gzipped layers)
// to skiff-registry and to the distribution registry (Debian's
// docker-registry, started from a config file on a loopback port), pulls it
// back, and pulls it ten times at once. Each round starts a fresh registry
// with empty storage on a new port, so every byte is uploaded (no blob
// already there, no cross-repository mount from skopeo's blob cache).
//
// The first push a registry takes after it starts is timed on its own row:
// a Node process compiles its hot paths and grows its heap during its first
// hundred megabytes, a Go binary has nothing to warm. The `push` row is the
// second push, of another image of the same size (different bytes, so again
// every byte goes up): a registry in service, as the pulls after it are.
//
// Printed as milliseconds and as a ratio skiff / distribution: below 1.0,
// skiff is faster. Beside the wall-clock time, the CPU time each registry
// process spent on the operation (from /proc): on a machine shared with other
// work, wall-clock time measures the load as much as the registry, and the
// CPU time is the steadier of the two.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './lib/measure.ts';
import { cpuTimeOf } from './lib/proc.ts';
import { makeLayout, startDistribution, startSkiff, type Started } from './lib/registries.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const LAYERS = 4;
const LAYER_BYTES = 25 * 1024 * 1024;
const work = mkdtempSync(join(tmpdir(), 'skiff-bench-registry-'));

function skopeo(args: string[]): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn('skopeo', ['copy', '--quiet', '--src-tls-verify=false', '--dest-tls-verify=false', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.once('exit', (code) => (code === 0 ? done() : fail(new Error(`skopeo ${args.join(' ')}: ${err}`))));
  });
}

/** Wall-clock ms of `work`, and the CPU ms the registry process spent meanwhile. */
interface Timing {
  wall: number;
  cpu: number;
}

async function timed(registry: Started, work: () => Promise<unknown>): Promise<Timing> {
  const [start, cpu] = [process.hrtime.bigint(), cpuTimeOf(registry.pid)];
  await work();
  return { wall: Number(process.hrtime.bigint() - start) / 1e6, cpu: cpuTimeOf(registry.pid) - cpu };
}

/** One round against a fresh registry: first push, push, pull once, pull ten times at once. */
async function round(start: () => Promise<Started>, layouts: Layouts, n: number): Promise<Timing[]> {
  const registry = await start();
  try {
    const image = `docker://${registry.host}/bench/image:v1`;
    const first = await timed(registry, () => skopeo([`oci:${layouts.first}:bench`, `docker://${registry.host}/bench/first:v1`]));
    const push = await timed(registry, () => skopeo([`oci:${layouts.measured}:bench`, image]));
    const pull = await timed(registry, () => skopeo([image, `dir:${join(work, `pull-${n}`)}`]));
    const ten = await timed(registry, () => Promise.all([...Array(10).keys()].map((i) => skopeo([image, `dir:${join(work, `pull-${n}-${i}`)}`]))));
    return [first, push, pull, ten];
  } finally {
    await registry.stop();
    for (const dir of [`pull-${n}`, ...[...Array(10).keys()].map((i) => `pull-${n}-${i}`)]) rmSync(join(work, dir), { recursive: true, force: true });
  }
}

/** Two images of the same size and shape, with different bytes. */
interface Layouts {
  first: string;
  measured: string;
}

try {
  if (spawnSync('which', ['docker-registry']).status !== 0) throw new Error('docker-registry is not installed (npm run setup installs it)');
  const layouts: Layouts = { first: join(work, 'first'), measured: join(work, 'layout') };
  makeLayout(layouts.first, LAYERS, () => randomBytes(LAYER_BYTES));
  const bytes = makeLayout(layouts.measured, LAYERS, () => randomBytes(LAYER_BYTES));
  const starts = { skiff: () => startSkiff(work), distribution: () => startDistribution(work) };
  const results = { skiff: [] as Timing[][], distribution: [] as Timing[][] };
  await round(starts.skiff, layouts, -1); // warm-up: page cache, skopeo's own start
  await round(starts.distribution, layouts, -2);
  for (let i = 0; i < RUNS; i++) {
    // Taking turns, each going first every other run, so a burst of load elsewhere weighs on both.
    const order: (keyof typeof starts)[] = i % 2 === 0 ? ['skiff', 'distribution'] : ['distribution', 'skiff'];
    for (const name of order) results[name].push(await round(starts[name], layouts, i));
  }
  console.log(`\nregistry: skopeo against skiff-registry and distribution ${spawnSync('docker-registry', ['--version'], { encoding: 'utf8' }).stdout.trim().split(' ').pop()}, ` +
    `a ${(bytes / 1e6).toFixed(0)} MB image in ${LAYERS} layers (median of ${RUNS} interleaved runs, each on a fresh registry; ` +
    `load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${availableParallelism()} CPUs)\n`);
  const rows = [['operation', 'skiff ms', 'distribution ms', 'ratio', 'skiff CPU ms', 'distribution CPU ms', 'CPU ratio']];
  ['first push after start', 'push', 'pull', '10 pulls at once'].forEach((name, k) => {
    const of = (side: Timing[][], key: keyof Timing) => median(side.map((r) => r[k]![key]));
    const [s, d] = [of(results.skiff, 'wall'), of(results.distribution, 'wall')];
    const [sc, dc] = [of(results.skiff, 'cpu'), of(results.distribution, 'cpu')];
    rows.push([name, s.toFixed(0), d.toFixed(0), (s / d).toFixed(2), sc.toFixed(0), dc.toFixed(0), (sc / dc).toFixed(2)]);
  });
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const [i, row] of rows.entries()) {
    console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
    if (i === 0) console.log(widths.map((w) => '─'.repeat(w)).join('  '));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
