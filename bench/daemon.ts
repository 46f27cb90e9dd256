// skiffd against dockerd, both driven by the real docker CLI (and, for the
// list, by plain HTTP on their sockets), both on private sockets and data
// roots, both serving the same busybox image imported into each:
// - `docker run --rm busybox true`, interleaved, one at a time; then back to
//   back, each daemon in turn, so that skiffd's warm pool gets no rest between
//   its own runs and its refills are paid for;
// - ten such runs at once;
// - a cached rebuild with the legacy builder (DOCKER_BUILDKIT=0);
// - GET /containers/json with 100 running containers;
// - resident memory: each daemon at idle (skiffd with its warm shims; dockerd
//   with containerd), and the marginal memory of a running idle container
//   (skiffd's shim and the container; containerd's shim and the container).
// Ratios are skiffd/dockerd medians: below 1.0, skiffd is faster.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeBusyboxRootfs } from '../scripts/rootfs.ts';
import { startDockerd, tarDirectory, type Dockerd } from '../test/helpers/dockerd.ts';
import { startSkiffd } from '../test/helpers/skiffd.ts';
import { makeBuildContext } from './lib/build-context.ts';
import { printTable, RUNS, summarize, WARMUP, type Summary } from './lib/measure.ts';
import { cmdlineOf, environmentOf, memoryOf, processesOf, sumMemory, type Memory } from './lib/proc.ts';

const DOCKER = process.env.SKIFF_DOCKER_CLI ?? 'docker';
const CONTAINERS = Number(process.env.BENCH_CONTAINERS ?? 100);
const PARALLEL = 10;

interface Target {
  name: 'skiffd' | 'dockerd';
  daemon: Dockerd;
}

// #region cli
/** Runs the docker CLI against `t` and resolves with its wall-clock time; a failure stops the bench. */
function docker(t: Target, args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  const start = performance.now();
  const child = spawn(DOCKER, ['-H', t.daemon.host, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, DOCKER_CONFIG: join(t.daemon.dir, 'cli-config'), ...env },
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve(performance.now() - start);
      else reject(new Error(`${t.name}: docker ${args.join(' ')} exited ${code}: ${stderr.trim()}`));
    });
  });
}

/** One HTTP request on a daemon's socket, timed to the last byte of the answer. */
function get(t: Target, path: string): Promise<{ ms: number; body: string }> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: new URL(t.daemon.host).pathname, path }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (s: string) => (body += s));
      res.on('end', () => (res.statusCode === 200 ? resolve({ ms: performance.now() - start, body }) : reject(new Error(`${t.name}: GET ${path}: ${res.statusCode} ${body}`))));
    });
    req.on('error', reject);
    req.end();
  });
}
// #endregion cli

// #region interleave
/**
 * Runs `measure` for each target in turn, WARMUP + `runs` times, the order
 * swapped every round so neither daemon always follows the other.
 */
async function interleaved(title: string, targets: Target[], measure: (t: Target) => Promise<number>, runs = RUNS): Promise<Summary[]> {
  const times = new Map<string, number[]>(targets.map((t) => [t.name, []]));
  for (let i = 0; i < WARMUP + runs; i++) {
    const order = i % 2 ? [...targets].reverse() : targets;
    for (const t of order) {
      const ms = await measure(t);
      if (i >= WARMUP) times.get(t.name)!.push(ms);
    }
  }
  return table(title, targets.map((t) => summarize(t.name, times.get(t.name)!)));
}

/** Each target runs `measure` `runs` times in a row, the targets taking turns in blocks of `block`. */
async function backToBack(title: string, targets: Target[], measure: (t: Target) => Promise<number>, runs = RUNS, block = 5): Promise<Summary[]> {
  const times = new Map<string, number[]>(targets.map((t) => [t.name, []]));
  for (let i = 0; i < WARMUP; i++) for (const t of targets) await measure(t);
  for (let done = 0; done < runs; done += block) {
    for (const t of targets) for (let i = 0; i < Math.min(block, runs - done); i++) times.get(t.name)!.push(await measure(t));
  }
  return table(title, targets.map((t) => summarize(t.name, times.get(t.name)!)));
}

const results: { what: string; rows: Summary[] }[] = [];
function table(title: string, rows: Summary[]): Summary[] {
  printTable(title, rows, 'dockerd');
  results.push({ what: title, rows });
  return rows;
}
// #endregion interleave

// #region memory
const mib = (kib: number) => (kib / 1024).toFixed(1);

/** Sorts a daemon's processes into kinds by command line and sums each kind's memory. */
function memoryByKind(t: Target): Map<string, Memory & { count: number }> {
  const kinds = new Map<string, Memory & { count: number }>();
  for (const pid of processesOf(t.daemon.dir)) {
    let cmd: string;
    let m: Memory;
    try {
      cmd = cmdlineOf(pid);
      m = memoryOf(pid);
    } catch {
      continue; // exited meanwhile
    }
    const kind = kindOf(cmd);
    const k = kinds.get(kind) ?? { rss: 0, pss: 0, private: 0, count: 0 };
    kinds.set(kind, { ...sumMemory([k, m]), count: k.count + 1 });
  }
  return kinds;
}

function kindOf(cmd: string): string {
  const program = cmd.split(' ')[0]!.split('/').pop()!;
  if (cmd.includes('03-daemon/main.js')) return 'skiffd';
  if (cmd.includes('shim/main.js')) return 'shim';
  if (cmd.includes('01-namespaces/init.js')) return 'init, waiting to exec';
  if (program === 'dockerd') return 'dockerd';
  if (program.startsWith('containerd-shim')) return 'containerd-shim';
  if (program === 'containerd') return 'containerd';
  return 'container process';
}

function printMemory(title: string, byTarget: Map<string, Map<string, Memory & { count: number }>>): void {
  console.log(`\n${title}, MiB (Pss shares each page among the processes that map it, on the whole machine; private: written pages no other process maps)\n`);
  console.log(`${''.padEnd(34)}${'count'.padStart(6)}${'Rss'.padStart(9)}${'Pss'.padStart(9)}${'private'.padStart(9)}`);
  for (const [name, kinds] of byTarget) {
    const total = sumMemory([...kinds.values()]);
    console.log(`${name.padEnd(34)}${''.padStart(6)}${mib(total.rss).padStart(9)}${mib(total.pss).padStart(9)}${mib(total.private).padStart(9)}`);
    for (const [kind, m] of [...kinds].sort()) {
      console.log(`  ${kind.padEnd(32)}${String(m.count).padStart(6)}${mib(m.rss).padStart(9)}${mib(m.pss).padStart(9)}${mib(m.private).padStart(9)}`);
    }
  }
}
// #endregion memory

// #region environment
/** Whether NODE_EXTRA_CA_CERTS, which costs every Node start-up here, reaches the processes skiffd starts. */
function environmentReport(skiffd: Target): void {
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  console.log(`\nNODE_EXTRA_CA_CERTS ${extra ? `is set on this machine (${extra}): Node reads and parses it at every start-up` : 'is not set on this machine'}.`);
  for (const pid of processesOf(skiffd.daemon.dir)) {
    try {
      const env = environmentOf(pid);
      const kind = kindOf(cmdlineOf(pid));
      console.log(`  ${kind.padEnd(22)} pid ${String(pid).padEnd(8)} ${env.size} variables${env.has('NODE_EXTRA_CA_CERTS') ? ', NODE_EXTRA_CA_CERTS among them' : ''}${env.size ? `: ${[...env.keys()].sort().join(' ')}` : ''}`);
    } catch {
      // exited meanwhile
    }
  }
}
// #endregion environment

// #region loaded
/** Starts `count` idle containers in each daemon, four at a time. */
async function fill(both: Target[], count: number): Promise<void> {
  for (const t of both) {
    for (let i = 0; i < count; i += 4) {
      await Promise.all(Array.from({ length: Math.min(4, count - i) }, () => docker(t, ['run', '-d', 'busybox', 'sleep', '1000000'])));
    }
    const listed = JSON.parse((await get(t, '/containers/json')).body) as unknown[];
    if (listed.length !== count) throw new Error(`${t.name} lists ${listed.length} running containers, not ${count}`);
  }
}

/** Memory with the containers running, and the difference from `idle`, per container. */
function printLoaded(both: Target[], idle: Map<string, Map<string, Memory & { count: number }>>): void {
  const loaded = new Map(both.map((t) => [t.name, memoryByKind(t)]));
  printMemory(`with ${CONTAINERS} running idle containers (sleep)`, loaded);
  console.log(`\nmarginal memory per running idle container, MiB (the difference, over ${CONTAINERS})\n`);
  console.log(`${''.padEnd(34)}${'Rss'.padStart(9)}${'Pss'.padStart(9)}${'private'.padStart(9)}`);
  for (const t of both) {
    const before = sumMemory([...idle.get(t.name)!.values()]);
    const after = sumMemory([...loaded.get(t.name)!.values()]);
    const per = (f: keyof Memory) => mib((after[f] - before[f]) / CONTAINERS).padStart(9);
    console.log(`${t.name.padEnd(34)}${per('rss')}${per('pss')}${per('private')}`);
  }
  const shim = loaded.get('skiffd')!.get('shim');
  if (shim) console.log(`\nskiffd's shim per idle container alone (the pool's warm ones among them): Pss ${mib(shim.pss / shim.count)}, private ${mib(shim.private / shim.count)} MiB (mean of ${shim.count})`);
}
// #endregion loaded

// #region main
/** BENCH_ONLY=run,parallel,build,list measures only those parts (memory goes with list). */
const only = process.env.BENCH_ONLY?.split(',');
const wanted = (part: string) => !only || only.includes(part);
const work = mkdtempSync('/tmp/skiff-bench-daemon-');
const running: Dockerd[] = [];
const cleanUp = async () => {
  for (const d of running.splice(0).reverse()) await d.stop().catch((err: Error) => console.error(`stopping a daemon: ${err.message}`));
  rmSync(work, { recursive: true, force: true });
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cleanUp().then(() => process.exit(130)));
}

try {
  const tar = tarDirectory(makeBusyboxRootfs(join(work, 'rootfs')), join(work, 'busybox.tar'));
  const context = makeBuildContext(join(work, 'context'));
  const dockerd: Target = { name: 'dockerd', daemon: await startDockerd() };
  running.push(dockerd.daemon);
  const skiffd: Target = { name: 'skiffd', daemon: await startSkiffd({ debug: false }) };
  running.push(skiffd.daemon);
  const both = [skiffd, dockerd];
  const version = (t: Target) => t.daemon.docker(['version', '--format', '{{.Server.Version}}']).stdout.trim();
  console.log(`skiffd ${version(skiffd)} and dockerd ${version(dockerd)}, docker CLI ${dockerd.daemon.docker(['version', '--format', '{{.Client.Version}}']).stdout.trim()}; ${RUNS} runs per row; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${availableParallelism()} CPUs`);
  for (const t of both) t.daemon.docker(['import', tar, 'busybox']);

  await sleep(3000); // let both settle: skiffd's pool fills, dockerd's containerd finishes starting
  environmentReport(skiffd);
  const idle = new Map(both.map((t) => [t.name, memoryByKind(t)]));
  printMemory('each daemon at idle', idle);

  const run = (t: Target) => docker(t, ['run', '--rm', 'busybox', 'true']);
  if (wanted('run')) {
    await interleaved('docker run --rm busybox true, one at a time, interleaved', both, run);
    await backToBack('docker run --rm busybox true, back to back (blocks of 5 per daemon)', both, run);
  }
  if (wanted('parallel')) {
    await interleaved(`${PARALLEL} × docker run --rm busybox true at once, until the last exits`, both, async (t) => {
      const start = performance.now();
      await Promise.all(Array.from({ length: PARALLEL }, () => run(t)));
      return performance.now() - start;
    }, Math.max(5, RUNS >> 1));
  }
  if (wanted('build')) {
    const build = (t: Target) => docker(t, ['build', '-t', 'bench', context], { DOCKER_BUILDKIT: '0' });
    for (const t of both) await build(t);
    await interleaved('cached rebuild, DOCKER_BUILDKIT=0 docker build (7 steps, 50 files)', both, build);
  }
  if (wanted('list')) {
    await fill(both, CONTAINERS);
    await interleaved(`GET /containers/json with ${CONTAINERS} running containers`, both, async (t) => (await get(t, '/containers/json')).ms);
    await sleep(3000); // start-up garbage collected, the pool refilled
    printLoaded(both, idle);
  }

  console.log(`\nsummary: skiffd/dockerd, medians (required ≤ 1.0 for run, rebuild and list; the goal 0.5); load average now ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  for (const { what, rows } of results) {
    const s = rows.find((r) => r.name === 'skiffd')!;
    const d = rows.find((r) => r.name === 'dockerd')!;
    console.log(`  ${(s.medianMs / d.medianMs).toFixed(2)}  ${what} (${s.medianMs.toFixed(1)} ms / ${d.medianMs.toFixed(1)} ms)`);
  }
} finally {
  await cleanUp();
}
// #endregion main
