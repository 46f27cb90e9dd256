// skiffd's pull against dockerd's: the real docker CLI pulls the same
// ~100 MB image (four gzipped layers, each a tar of random bytes) from the
// same distribution registry (Debian's docker-registry on a loopback port)
// into each daemon. Every run starts its daemon on a fresh data root, so
// every layer is downloaded; the two daemons take turns, and the timed part
// is `docker pull` alone. dockerd also unpacks each layer into its overlay2
// store during the pull, while skiffd unpacks on first use — so this is
// what a user waits for at `docker pull`, not the same work on both sides.
// Printed as medians and their ratio skiffd / dockerd: below 1.0, skiffd is faster.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startDockerd, type Dockerd } from '../test/helpers/dockerd.ts';
import { startSkiffd } from '../test/helpers/skiffd.ts';
import { median } from './lib/measure.ts';
import { makeLayout, startDistribution } from './lib/registries.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const LAYERS = 4;
const LAYER_BYTES = 25 * 1024 * 1024;
const DOCKER = process.env.SKIFF_DOCKER_CLI ?? 'docker';
const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'skiff-bench-pull-'));

/** A layer dockerd can unpack: a tar holding one file of random bytes. */
function randomFileTar(i: number): Buffer {
  const dir = join(work, `layer-${i}`);
  mkdirSync(dir);
  writeFileSync(join(dir, `random-${i}.bin`), randomBytes(LAYER_BYTES));
  const tar = spawnSync('tar', ['-c', '-C', dir, '.'], { maxBuffer: 2 * LAYER_BYTES });
  rmSync(dir, { recursive: true });
  return tar.stdout;
}

/** `docker pull` against a daemon, timed; a failure stops the bench. */
function timedPull(daemon: Dockerd, image: string): Promise<number> {
  const start = performance.now();
  const child = spawn(DOCKER, ['-H', daemon.host, 'pull', '--quiet', image], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  return new Promise((done, fail) => {
    child.once('close', (code) => (code === 0 ? done(performance.now() - start) : fail(new Error(`docker pull exited ${code}: ${stderr.trim()}`))));
  });
}

const daemons = {
  skiffd: () => startSkiffd({ command: [process.execPath, join(root, 'dist/chapters/05-registry/skiffd.js')], debug: false }),
  dockerd: (registry: string) => startDockerd(['--insecure-registry', registry]),
};

/** One pull into a daemon started for it on an empty data root. */
async function round(name: keyof typeof daemons, registry: string, image: string): Promise<number> {
  const daemon = await daemons[name](registry);
  try {
    return await timedPull(daemon, image);
  } finally {
    await daemon.stop();
  }
}

const distribution = await startDistribution(work);
try {
  const layout = join(work, 'layout');
  const bytes = makeLayout(layout, LAYERS, randomFileTar);
  const image = `${distribution.host}/bench/pull:v1`;
  // A Docker schema2 manifest, as docker push leaves it.
  spawnSync('skopeo', ['copy', '--quiet', '--format', 'v2s2', '--dest-tls-verify=false', `oci:${layout}:bench`, `docker://${image}`], { stdio: 'inherit' });
  const times = { skiffd: [] as number[], dockerd: [] as number[] };
  await round('skiffd', distribution.host, image); // warm-up: page cache, the registry's own first reads
  await round('dockerd', distribution.host, image);
  for (let i = 0; i < RUNS; i++) {
    const order: (keyof typeof daemons)[] = i % 2 === 0 ? ['skiffd', 'dockerd'] : ['dockerd', 'skiffd'];
    for (const name of order) times[name].push(await round(name, distribution.host, image));
  }
  const s = median(times.skiffd);
  const d = median(times.dockerd);
  console.log(`\npull: docker pull of a ${(bytes / 1e6).toFixed(0)} MB image in ${LAYERS} layers from the distribution registry, ` +
    `each into a fresh data root (median of ${RUNS} interleaved runs; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${availableParallelism()} CPUs)\n`);
  console.log(`skiffd ms  dockerd ms  ratio`);
  console.log(`${s.toFixed(0).padStart(9)}  ${d.toFixed(0).padStart(10)}  ${(s / d).toFixed(2).padStart(5)}`);
  console.log(`runs: skiffd ${times.skiffd.map((t) => t.toFixed(0)).join(' ')}; dockerd ${times.dockerd.map((t) => t.toFixed(0)).join(' ')}`);
} finally {
  await distribution.stop();
  rmSync(work, { recursive: true, force: true });
}
