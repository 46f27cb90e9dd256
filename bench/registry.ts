// Registry throughput: skopeo pushes a ~100 MB image (four gzipped layers)
// to skiff-registry and to the distribution registry (Debian's
// docker-registry, started from a config file on a loopback port), pulls it
// back, and pulls it ten times at once. Each push goes to a freshly started
// registry with empty storage on a new port, so every byte is uploaded (no
// blob already there, no cross-repository mount from skopeo's blob cache).
// Printed as milliseconds and as a ratio skiff / distribution: below 1.0,
// skiff is faster.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './lib/measure.ts';
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

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** One round against a fresh registry: push, pull once, pull ten times at once. */
async function round(start: () => Promise<Started>, layout: string, n: number): Promise<number[]> {
  const registry = await start();
  try {
    const image = `docker://${registry.host}/bench/image:v1`;
    const push = await timed(() => skopeo([`oci:${layout}:bench`, image]));
    const pull = await timed(() => skopeo([image, `dir:${join(work, `pull-${n}`)}`]));
    const ten = await timed(() => Promise.all([...Array(10).keys()].map((i) => skopeo([image, `dir:${join(work, `pull-${n}-${i}`)}`]))));
    return [push, pull, ten];
  } finally {
    await registry.stop();
    for (const dir of [`pull-${n}`, ...[...Array(10).keys()].map((i) => `pull-${n}-${i}`)]) rmSync(join(work, dir), { recursive: true, force: true });
  }
}

try {
  if (spawnSync('which', ['docker-registry']).status !== 0) throw new Error('docker-registry is not installed (npm run setup installs it)');
  const layout = join(work, 'layout');
  const bytes = makeLayout(layout, LAYERS, () => randomBytes(LAYER_BYTES));
  const results = { skiff: [] as number[][], distribution: [] as number[][] };
  await round(() => startSkiff(work), layout, -1); // warm-up: page cache, skopeo's own start
  await round(() => startDistribution(work), layout, -2);
  for (let i = 0; i < RUNS; i++) {
    results.skiff.push(await round(() => startSkiff(work), layout, i));
    results.distribution.push(await round(() => startDistribution(work), layout, i));
  }
  console.log(`\nregistry: skopeo against skiff-registry and distribution ${spawnSync('docker-registry', ['--version'], { encoding: 'utf8' }).stdout.trim().split(' ').pop()}, ` +
    `a ${(bytes / 1e6).toFixed(0)} MB image in ${LAYERS} layers (median of ${RUNS} runs, each on a fresh registry)\n`);
  const rows = [['operation', 'skiff ms', 'distribution ms', 'ratio']];
  ['push', 'pull', '10 pulls at once'].forEach((name, k) => {
    const s = median(results.skiff.map((r) => r[k]!));
    const d = median(results.distribution.map((r) => r[k]!));
    rows.push([name, s.toFixed(0), d.toFixed(0), (s / d).toFixed(2)]);
  });
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const [i, row] of rows.entries()) {
    console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
    if (i === 0) console.log(widths.map((w) => '─'.repeat(w)).join('  '));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
