// Unpack throughput: one ~100 MB gzipped layer, unpacked by skiff's
// applyLayer, by GNU `tar -xzf`, and by `umoci unpack` (from an OCI image
// layout holding that layer). Printed as MB/s of uncompressed tar and as a
// ratio to tar. Skiff runs in-process (the library call the engine makes);
// tar and umoci as the commands they are, so their process start counts —
// a millisecond or two against seconds of work.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyLayer } from '../chapters/02-images/layers/layer-apply.ts';
import { median } from './lib/measure.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TARGET_BYTES = 100 * 1024 * 1024;

/** A small deterministic PRNG (xorshift32), so every run benchmarks the same bytes. */
function prng(seed: number): () => number {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

/**
 * Writes a tree that looks like a distribution layer: many small files,
 * some medium ones, a few large; contents half noise, half repeated text,
 * so gzip has something to do without everything collapsing.
 */
function generateTree(root: string): number {
  const rand = prng(42);
  const noise = Buffer.alloc(4 * 1024 * 1024);
  for (let i = 0; i < noise.length; i++) noise[i] = Math.floor(rand() * 256);
  const text = Buffer.from('The quick brown fox jumps over the lazy dog. 0123456789\n'.repeat(80_000));
  let total = 0;
  let n = 0;
  while (total < TARGET_BYTES) {
    const r = rand();
    const size = r < 0.85 ? 512 + Math.floor(rand() * 16_384) : r < 0.99 ? 100_000 + Math.floor(rand() * 900_000) : 3_000_000 + Math.floor(rand() * 3_000_000);
    const dir = join(root, `usr/lib/pkg${n % 97}/sub${n % 13}`);
    mkdirSync(dir, { recursive: true });
    const half = size >> 1;
    const noiseAt = Math.floor(rand() * (noise.length - half));
    const textAt = Math.floor(rand() * (text.length - (size - half)));
    writeFileSync(join(dir, `file${n}.bin`), Buffer.concat([noise.subarray(noiseAt, noiseAt + half), text.subarray(textAt, textAt + size - half)]));
    total += size;
    n++;
  }
  return n;
}

/** An OCI image layout with the one layer, for umoci. */
function makeLayout(layout: string, layerGz: string, diffId: string): void {
  const blobs = join(layout, 'blobs/sha256');
  mkdirSync(blobs, { recursive: true });
  const put = (bytes: Buffer): { digest: string; size: number } => {
    const hex = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(join(blobs, hex), bytes);
    return { digest: `sha256:${hex}`, size: bytes.length };
  };
  const layer = put(readFileSync(layerGz));
  const config = put(Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [diffId] } })));
  const manifest = put(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
      }),
    ),
  );
  writeFileSync(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    join(layout, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: { 'org.opencontainers.image.ref.name': 'bench' } }],
    }),
  );
}

async function time(name: string, run: (out: string) => Promise<void> | void, work: string): Promise<{ name: string; ms: number[] }> {
  const ms: number[] = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const out = join(work, `out-${name}-${i}`);
    mkdirSync(out);
    const start = process.hrtime.bigint();
    await run(out);
    const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    if (i > 0) ms.push(elapsed); // the first run warms the page cache
    rmSync(out, { recursive: true, force: true });
  }
  return { name, ms };
}

function command(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${cmd} exited ${r.status ?? r.signal}: ${String(r.stderr).trim()}`);
}

const work = mkdtempSync(join(tmpdir(), 'skiff-bench-unpack-'));
try {
  const src = join(work, 'src');
  const files = generateTree(src);
  const layerGz = join(work, 'layer.tar.gz');
  execFileSync('tar', ['--numeric-owner', '-C', src, '-czf', layerGz, '.']);
  rmSync(src, { recursive: true });
  const tarBytes = Number(execFileSync('sh', ['-c', `gzip -dc ${layerGz} | wc -c`], { encoding: 'utf8' }).trim());
  const diffId = `sha256:${execFileSync('sh', ['-c', `gzip -dc ${layerGz} | sha256sum`], { encoding: 'utf8' }).split(' ')[0]}`;
  const layout = join(work, 'layout');
  makeLayout(layout, layerGz, diffId);

  const results = [
    await time('tar -xzf', (out) => command('tar', ['--numeric-owner', '-xzf', layerGz, '-C', out]), work),
    await time('skiff applyLayer', async (out) => {
      const r = await applyLayer(out, createReadStream(layerGz));
      if (r.diffId !== diffId) throw new Error(`skiff computed DiffID ${r.diffId}, expected ${diffId}`);
    }, work),
    // umoci unpack writes a bundle (rootfs/ + config.json) and an mtree manifest of the tree it unpacked.
    await time('umoci unpack', (out) => command('umoci', ['unpack', '--image', `${layout}:bench`, join(out, 'bundle')]), work),
  ];

  const mb = tarBytes / 1e6;
  const ref = median(results[0].ms);
  console.log(`\nunpack one gzipped layer: ${files} files, ${mb.toFixed(0)} MB uncompressed, ${(statSync(layerGz).size / 1e6).toFixed(0)} MB gzipped (${RUNS} runs each after a warm-up)\n`);
  const header = ['', 'median ms', 'MB/s', '× tar time'];
  const rows = results.map((r) => {
    const m = median(r.ms);
    return [r.name, m.toFixed(0), (mb / (m / 1000)).toFixed(1), (m / ref).toFixed(2)];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '─'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
} finally {
  rmSync(work, { recursive: true, force: true });
}
