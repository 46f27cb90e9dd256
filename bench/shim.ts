// The shim of chapter 03, measured from a long-lived process as the daemon
// uses it:
// - create+start-to-exit of /bin/true through a shim: cold (spawnShim starts
//   a new shim, which starts its init), warm (from a pool given time to
//   refill), and warm back to back (containers coming faster than the pool
//   refills: the refill is paid for), with runc's `run` of the same bundle
//   as the reference; runs interleaved;
// - the memory of a shim per idle container, and of a warm shim waiting in
//   the pool with its init;
// - the modules a shim loads.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultSpec, parseContainerId } from '../dist/chapters/01-namespaces/index.js';
import { ShimPool, spawnShim, type ShimSpec } from '../dist/chapters/03-daemon/shim/index.js';
import { makeBusyboxRootfs } from '../scripts/rootfs.ts';
import { median, printTable, RUNS, summarize, WARMUP } from './lib/measure.ts';
import { childrenOf, memoryOf, type Memory } from './lib/proc.ts';

const repo = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'skiff-bench-shim-'));

function bundleFor(args: string[]): string {
  const bundle = mkdtempSync(join(work, 'bundle-'));
  writeFileSync(join(bundle, 'config.json'), JSON.stringify(defaultSpec({ args, rootfs: join(work, 'rootfs') })));
  return bundle;
}

function shimSpec(bundle: string): ShimSpec {
  const id = parseContainerId(randomBytes(32).toString('hex'));
  return {
    id, bundle, stateRoot: join(work, 'state'), dir: join(work, 'shims', id), logPath: join(work, 'containers', id, `${id}-json.log`),
    tty: false, openStdin: false, stdinOnce: false,
  };
}

/** spawnShim, start, and the exit record written: the whole life of a container, from a daemon's seat. */
async function runThroughShim(bundle: string, pool?: ShimPool): Promise<number> {
  const start = performance.now();
  const shim = await spawnShim(shimSpec(bundle), { pool });
  await shim.start();
  const { exitCode } = await shim.exited;
  const ms = performance.now() - start;
  shim.close();
  if (exitCode !== 0) throw new Error(`the container exited ${exitCode}`);
  return ms;
}

function runc(bundle: string, i: number): number {
  const start = performance.now();
  const r = spawnSync('runc', ['--root', join(work, 'runc'), 'run', '--bundle', bundle, `bench-shim-${process.pid}-${i}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`runc exited ${r.status}: ${r.stderr}`);
  return performance.now() - start;
}

async function poolSettled(pool: ShimPool): Promise<void> {
  for (const deadline = Date.now() + 30_000; pool.available < pool.size && Date.now() < deadline; ) await sleep(20);
}

// #region latency
async function latency(): Promise<void> {
  const bundle = bundleFor(['/bin/true']);
  const pool = new ShimPool({ dir: join(work, 'warm'), size: 2 });
  const cold: number[] = [];
  const warm: number[] = [];
  const reference: number[] = [];
  try {
    for (let i = 0; i < WARMUP + RUNS; i++) {
      await poolSettled(pool);
      const c = await runThroughShim(bundle);
      await poolSettled(pool);
      const w = await runThroughShim(bundle, pool);
      const r = runc(bundle, i);
      if (i >= WARMUP) cold.push(c), warm.push(w), reference.push(r);
    }
    await poolSettled(pool);
    const burst: number[] = [];
    for (let i = 0; i < RUNS; i++) burst.push(await runThroughShim(bundle, pool));
    printTable('create+start-to-exit of /bin/true, from a long-lived process', [
      summarize('runc run', reference),
      summarize('shim, cold', cold),
      summarize('shim, warm (pool of 2, refilled)', warm),
      summarize('shim, warm, back to back', burst),
    ], 'runc run');
  } finally {
    pool.close();
  }
}
// #endregion latency

// #region memory
async function memory(): Promise<void> {
  const bundle = bundleFor(['sleep', '1000']);
  const pool = new ShimPool({ dir: join(work, 'warm-memory'), size: 1 });
  const count = 5;
  const shims = [];
  try {
    for (let i = 0; i < count; i++) {
      const spec = shimSpec(bundle);
      const shim = await spawnShim(spec, { pool });
      await shim.start();
      shims.push({ shim, shimPid: Number(readFileSync(join(spec.dir, 'shim.pid'), 'utf8')) });
    }
    await poolSettled(pool);
    await sleep(2000); // let start-up garbage be collected
    const perShim = shims.map(({ shimPid }) => memoryOf(shimPid));
    const perContainer = shims.map(({ shim }) => memoryOf(shim.pid));
    // The warm shim is our child too (we launched it), the one not serving a container.
    const serving = new Set(shims.map(({ shimPid }) => shimPid));
    const warmPid = childrenOf(process.pid).find((pid) => !serving.has(pid) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('shim/main.js'))!;
    const warmShim = memoryOf(warmPid);
    const warmInit = memoryOf(childrenOf(warmPid)[0]!);
    const mib = (kib: number) => (kib / 1024).toFixed(1);
    const row = (name: string, m: Memory) => console.log(`${name.padEnd(38)}${mib(m.rss).padStart(8)}${mib(m.pss).padStart(8)}${mib(m.private).padStart(10)}`);
    const med = (list: Memory[]) => ({ rss: median(list.map((m) => m.rss)), pss: median(list.map((m) => m.pss)), private: median(list.map((m) => m.private)) });
    console.log(`\nmemory, MiB (median of ${count} idle containers running sleep; Pss shares Node's pages among the shims)\n`);
    console.log(`${''.padEnd(38)}${'Rss'.padStart(8)}${'Pss'.padStart(8)}${'private'.padStart(10)}`);
    row('shim per idle container', med(perShim));
    row("the container's own process (sleep)", med(perContainer));
    row('a warm shim waiting in the pool', warmShim);
    row('  and its init, waiting on fd 3', warmInit);
  } finally {
    for (const { shim } of shims) {
      await shim.kill('KILL');
      await shim.exited;
      shim.close();
    }
    pool.close();
  }
}

// #endregion memory

// #region imports
/** Starts a shim by hand with a module logger, lets it boot, and lists what it loaded. */
async function imports(): Promise<void> {
  const socket = join(work, 'imports.sock');
  const child = spawn(process.execPath, ['--import', join(repo, 'bench/lib/module-log.mjs'), join(repo, 'dist/chapters/03-daemon/shim/main.js'), socket], {
    stdio: ['ignore', 'ignore', 'pipe'], env: {},
  });
  let log = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (log += s));
  for (const deadline = Date.now() + 30_000; !existsSync(socket) && Date.now() < deadline; ) await sleep(20);
  await sleep(200);
  child.kill('SIGTERM'); // its waiting init goes with it: the sync pipe closes
  await new Promise((resolve) => child.once('exit', resolve));
  const urls = [...new Set(log.split('\n').filter((l) => l.startsWith('module-log ')).map((l) => l.slice('module-log '.length)))];
  const builtins = urls.filter((u) => u.startsWith('node:')).map((u) => u.slice(5));
  const files = urls.filter((u) => u.startsWith('file:')).map((u) => relative(repo, new URL(u).pathname));
  const ours = files.filter((f) => !f.startsWith('node_modules/'));
  const packages = [...new Set(files.filter((f) => f.startsWith('node_modules/')).map((f) => f.split('/').slice(1, f.split('/')[1]!.startsWith('@') ? 3 : 2).join('/')))];
  console.log(`\nmodules the shim loads: ${ours.length} of ours, ${packages.length} packages (${files.length - ours.length} files), ${builtins.length} of Node's\n`);
  console.log(`  ours:     ${ours.map((f) => f.replace('dist/chapters/', '')).join(', ')}`);
  console.log(`  packages: ${packages.join(', ')} (loaded as CommonJS, whose own requires these hooks do not see)`);
  console.log(`  node:     ${builtins.sort().join(', ')}`);
}
// #endregion imports

try {
  makeBusyboxRootfs(join(work, 'rootfs'));
  mkdirSync(join(work, 'state'), { recursive: true });
  await latency();
  await memory();
  await imports();
} finally {
  rmSync(work, { recursive: true, force: true });
}
