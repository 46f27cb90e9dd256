// Registries for the benchmarks: skiff-registry and the distribution registry
// (Debian's docker-registry, from a config file), each on a fresh loopback
// port with empty storage under `work`; stop() ends it and removes its storage.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';

const root = resolve(import.meta.dirname, '../..');

export function freePort(): Promise<number> {
  return new Promise((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
  });
}

export interface Started {
  host: string;
  pid: number;
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

export async function startSkiff(work: string): Promise<Started> {
  const storage = mkdtempSync(join(work, 'skiff-'));
  const host = `127.0.0.1:${await freePort()}`;
  const child = spawn(process.execPath, [join(root, 'dist/chapters/05-registry/main.js'), 'serve', '--listen', host, '--storage', storage], { stdio: 'ignore' });
  await waitFor(host, child);
  return { host, pid: child.pid!, stop: stopper(child, storage) };
}

export async function startDistribution(work: string): Promise<Started> {
  const storage = mkdtempSync(join(work, 'distribution-'));
  const host = `127.0.0.1:${await freePort()}`;
  const config = join(storage, 'config.yml');
  writeFileSync(config, [
    'version: 0.1', 'log:', '  level: error', 'storage:', '  filesystem:', `    rootdirectory: ${join(storage, 'data')}`,
    '  delete:', '    enabled: true', 'http:', `  addr: ${host}`, '',
  ].join('\n'));
  const child = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
  await waitFor(host, child);
  return { host, pid: child.pid!, stop: stopper(child, storage) };
}


/**
 * An OCI layout holding one image (tagged `bench`) of `count` layers, each
 * `layerTar(i)` gzipped at level 1; answers the bytes of its layers. Random
 * bytes make layers gzip cannot shrink.
 */
export function makeLayout(dir: string, count: number, layerTar: (i: number) => Buffer): number {
  const blobs = join(dir, 'blobs/sha256');
  mkdirSync(blobs, { recursive: true });
  const put = (bytes: Buffer) => {
    const hex = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(join(blobs, hex), bytes);
    return { digest: `sha256:${hex}`, size: bytes.length };
  };
  const diffIds: string[] = [];
  const layers = [];
  for (let i = 0; i < count; i++) {
    const tar = layerTar(i);
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
