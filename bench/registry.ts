// Registry throughput: skopeo pushes a ~100 MB image (four gzipped layers)
// to skiff-registry and to the distribution registry (Debian's
// docker-registry, started from a config file on a loopback port), pulls it
// back, and pulls it ten times at once. Each push goes to a freshly started
// registry with empty storage on a new port, so every byte is uploaded (no
// blob already there, no cross-repository mount from skopeo's blob cache).
// Printed as milliseconds and as a ratio skiff / distribution: below 1.0,
// skiff is faster.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { median } from './lib/measure.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const LAYERS = 4;
const LAYER_BYTES = 25 * 1024 * 1024;
const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'skiff-bench-registry-'));

/** An OCI layout holding one image of LAYERS random gzipped layers (gzip cannot shrink random bytes). */
function makeLayout(dir: string): number {
  const blobs = join(dir, 'blobs/sha256');
  mkdirSync(blobs, { recursive: true });
  const put = (bytes: Buffer) => {
    const hex = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(join(blobs, hex), bytes);
    return { digest: `sha256:${hex}`, size: bytes.length };
  };
  const diffIds: string[] = [];
  const layers = [];
  for (let i = 0; i < LAYERS; i++) {
    const tar = randomBytes(LAYER_BYTES);
    diffIds.push(`sha256:${createHash('sha256').update(tar).digest('hex')}`);
    layers.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...put(gzipSync(tar, { level: 1 })) });
  }
  const config = put(Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: diffIds } })));
  const manifest = put(Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config }, layers,
  })));
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(join(dir, 'index.json'), JSON.stringify({
    schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: { 'org.opencontainers.image.ref.name': 'bench' } }],
  }));
  return layers.reduce((sum, l) => sum + l.size, 0);
}

function freePort(): Promise<number> {
  return new Promise((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
  });
}

interface Started {
  host: string;
  stop(): Promise<void>;
}

async function waitFor(host: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`registry on ${host} exited with ${child.exitCode}`);
    const r = await fetch(`http://${host}/v2/`).catch(() => undefined);
    if (r) return;
    await sleep(50);
  }
  throw new Error(`registry on ${host} did not answer`);
}

function stopper(child: ChildProcess, storage: string): () => Promise<void> {
  return async () => {
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await exited;
    rmSync(storage, { recursive: true, force: true });
  };
}

async function startSkiff(): Promise<Started> {
  const storage = mkdtempSync(join(work, 'skiff-'));
  const host = `127.0.0.1:${await freePort()}`;
  const child = spawn(process.execPath, [join(root, 'dist/chapters/05-registry/main.js'), 'serve', '--listen', host, '--storage', storage], { stdio: 'ignore' });
  await waitFor(host, child);
  return { host, stop: stopper(child, storage) };
}

async function startDistribution(): Promise<Started> {
  const storage = mkdtempSync(join(work, 'distribution-'));
  const host = `127.0.0.1:${await freePort()}`;
  const config = join(storage, 'config.yml');
  writeFileSync(config, [
    'version: 0.1', 'log:', '  level: error', 'storage:', '  filesystem:', `    rootdirectory: ${join(storage, 'data')}`,
    '  delete:', '    enabled: true', 'http:', `  addr: ${host}`, '',
  ].join('\n'));
  const child = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
  await waitFor(host, child);
  return { host, stop: stopper(child, storage) };
}

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
  const bytes = makeLayout(layout);
  const results = { skiff: [] as number[][], distribution: [] as number[][] };
  await round(startSkiff, layout, -1); // warm-up: page cache, skopeo's own start
  await round(startDistribution, layout, -2);
  for (let i = 0; i < RUNS; i++) {
    results.skiff.push(await round(startSkiff, layout, i));
    results.distribution.push(await round(startDistribution, layout, i));
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
