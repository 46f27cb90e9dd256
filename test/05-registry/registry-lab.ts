// A private skiff-registry for a test file: its own storage directory and a
// loopback port the kernel picks, started through the executable, as a user
// would start it. SKIFF_REGISTRY="cmd args" points the tests at another build.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { stringify } from 'yaml';
import { ImageStore, digestOf, MediaType } from '../../chapters/02-images/index.ts';
import { makeBusyboxRootfs, makeTempDir } from '../helpers/rootfs.ts';
import { tarDirectory } from '../helpers/dockerd.ts';
import { repoRoot } from '../helpers/executables.ts';

export const registryCommand = (): string[] =>
  process.env.SKIFF_REGISTRY?.split(' ').filter(Boolean) ?? [process.execPath, join(repoRoot, 'dist/chapters/05-registry/main.js')];

/** skiffd as installed: chapter 03's daemon with chapter 05's registry client (SKIFFD="cmd args" for another build). */
export const engineCommand = (): string[] =>
  process.env.SKIFFD?.split(' ').filter(Boolean) ?? [process.execPath, join(repoRoot, 'dist/chapters/05-registry/skiffd.js')];

export interface Registry {
  /** `127.0.0.1:PORT`, as docker and skopeo name a registry. */
  host: string;
  url: string;
  storage: string;
  process: ChildProcess;
  stderr(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** An htpasswd file under `dir` with one user, made by `skiff-registry adduser` as an operator would. */
export function htpasswdWith(dir: string, user: string, password: string): string {
  const file = join(dir, 'htpasswd');
  const [cmd, ...pre] = registryCommand();
  run(cmd!, [...pre, 'adduser', user, '--htpasswd', file], { input: `${password}\n` });
  return file;
}

/** Starts `skiff-registry serve` on 127.0.0.1 (port 0 unless `listen`), with a YAML config if given. */
export async function startRegistry(options: { storage?: string; config?: object; listen?: string; args?: string[] } = {}): Promise<Registry> {
  const storage = options.storage ?? makeTempDir('skiff-registry-');
  const args = ['serve', '--listen', options.listen ?? '127.0.0.1:0', '--storage', storage, ...(options.args ?? [])];
  const configDir = makeTempDir('skiff-registry-config-');
  if (options.config) {
    const file = join(configDir, 'config.yml');
    writeFileSync(file, stringify(options.config));
    args.push('--config', file);
  }
  const [cmd, ...pre] = registryCommand();
  const child = spawn(cmd!, [...pre, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  // A registry that never comes up leaves nothing behind either.
  const cleanUpOnFailure = (error: Error) => {
    child.kill('SIGKILL');
    rmSync(configDir, { recursive: true, force: true });
    if (!options.storage) rmSync(storage, { recursive: true, force: true });
    throw error;
  };
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`skiff-registry did not start: ${err}`)), 20_000);
    const look = () => {
      const m = /listening on (https?:\/\/\S+?),/.exec(err);
      if (m) (clearTimeout(timer), done(m[1]!));
    };
    child.stderr!.on('data', look);
    void exited.then((code) => (clearTimeout(timer), fail(new Error(`skiff-registry exited (${code}): ${err}`))));
  }).catch(cleanUpOnFailure);
  return {
    host: url.replace(/^https?:\/\//, ''),
    url,
    storage,
    process: child,
    stderr: () => err,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const code = await exited;
      rmSync(configDir, { recursive: true, force: true });
      return code;
    },
  };
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  json(): any;
}

/** One raw HTTP request: the path goes out byte for byte (no URL normalising), so traversal attempts reach the server. */
export function http(
  base: string, method: string, path: string, options: { headers?: Record<string, string | number>; body?: Buffer | string; ca?: Buffer } = {},
): Promise<Reply> {
  const target = new URL(base);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((done, fail) => {
    const req = send(
      { host: target.hostname, port: target.port, method, path, headers: options.headers, ca: options.ca, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          done({ status: res.statusCode!, headers: res.headers, body, json: () => JSON.parse(body.toString('utf8')) });
        });
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    req.end(options.body);
  });
}

/** The spec's error code of a reply, checking the body has the spec's shape and type. */
export function errorCode(reply: Reply): string {
  if (reply.headers['content-type'] !== 'application/json') throw new Error(`error body is ${reply.headers['content-type']}: ${reply.body}`);
  const body = reply.json() as { errors: { code: string; message: string }[] };
  if (!Array.isArray(body.errors) || typeof body.errors[0]?.code !== 'string') throw new Error(`not a spec error body: ${reply.body}`);
  return body.errors[0].code;
}

export function run(cmd: string, args: string[], options: { allowFail?: boolean; input?: string } = {}): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input: options.input, maxBuffer: 1 << 28 });
  if (!options.allowFail && r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * An OCI image layout holding a busybox image (`busybox:latest`), made with
 * chapter 02's store: a gzip layer with a real busybox, and one with a file.
 * Extra bytes make a bigger image, for load tests.
 */
export async function makeOciLayout(work: string, options: { tag?: string; extra?: Buffer; note?: string } = {}): Promise<{ layout: string; ref: string }> {
  const root = join(work, 'store');
  const store = new ImageStore(root);
  const base = readFileSync(tarDirectory(makeBusyboxRootfs(join(work, 'rootfs')), join(work, 'rootfs.tar')));
  const topDir = join(work, 'top');
  spawnSync('mkdir', ['-p', topDir]);
  writeFileSync(join(topDir, 'hello.txt'), `hello from ${options.note ?? 'skiff'}\n`);
  if (options.extra) writeFileSync(join(topDir, 'extra.bin'), options.extra);
  const top = readFileSync(tarDirectory(topDir, join(work, 'top.tar')));
  const gz = await store.content.write(gzipSync(base));
  // Both layers gzip'd: skopeo would compress a plain tar layer on push, and the manifest would change.
  const topGz = await store.content.write(gzipSync(top));
  const tag = options.tag ?? 'busybox:latest';
  await store.putImage({
    config: {
      created: '2024-01-01T00:00:00Z', architecture: 'amd64', os: 'linux',
      config: { Cmd: ['cat', '/hello.txt'], Env: ['PATH=/usr/sbin:/usr/bin:/sbin:/bin'] },
      rootfs: { type: 'layers', diff_ids: [digestOf(base), digestOf(top)] },
      history: [{ created_by: 'busybox rootfs' }, { created_by: 'hello' }],
    },
    layers: [
      { mediaType: MediaType.ociLayerGzip, digest: gz.digest, size: gz.size },
      { mediaType: MediaType.ociLayerGzip, digest: topGz.digest, size: topGz.size },
    ],
    ref: tag,
  });
  return { layout: join(root, 'images'), ref: `docker.io/library/${tag}` };
}

/**
 * Walks a registry's storage and lists what is wrong with it: a blob whose
 * bytes do not hash to its name, a link to a blob that is not there, a
 * revision that is not a JSON manifest or names a missing blob, a tag naming no revision, a stray
 * file in the blob store. An empty list is a consistent storage.
 */
export function storageProblems(storage: string): string[] {
  const problems: string[] = [];
  const blobs = join(storage, 'images', 'blobs', 'sha256');
  const sha = (p: string) => `sha256:${createHash('sha256').update(readFileSync(p)).digest('hex')}`;
  for (const hex of existsSync(blobs) ? readdirSync(blobs) : []) {
    if (!/^[a-f0-9]{64}$/.test(hex)) problems.push(`stray file in the blob store: ${hex}`);
    else if (sha(join(blobs, hex)) !== `sha256:${hex}`) problems.push(`corrupt blob ${hex}`);
  }
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
  const repos = join(storage, 'repositories');
  for (const file of existsSync(repos) ? walk(repos) : []) {
    const rel = relative(repos, file);
    if (rel.includes('/_uploads/')) continue;
    if (!file.endsWith('/link')) {
      problems.push(`stray file ${rel}`);
      continue;
    }
    const digest = readFileSync(file, 'utf8');
    if (!/^sha256:[a-f0-9]{64}$/.test(digest)) {
      problems.push(`half-written link ${rel}: ${JSON.stringify(digest)}`);
      continue;
    }
    const blob = join(blobs, digest.slice(7));
    if (rel.includes('/_manifests/tags/')) {
      const repo = rel.slice(0, rel.indexOf('/_manifests/'));
      if (!existsSync(join(repos, repo, '_manifests/revisions/sha256', digest.slice(7), 'link'))) problems.push(`tag ${rel} names no revision`);
    } else if (!existsSync(blob)) problems.push(`link ${rel} names a missing blob`);
    else if (rel.includes('/_manifests/revisions/')) {
      let body: { config?: { digest: string }; layers?: { digest: string; urls?: string[] }[] };
      try {
        body = JSON.parse(readFileSync(blob, 'utf8'));
      } catch {
        problems.push(`revision ${rel} is not JSON`);
        continue;
      }
      const named = [body.config, ...(body.layers ?? []).filter((l) => !l.urls)].filter((d) => d !== undefined);
      for (const d of named) if (!existsSync(join(blobs, d.digest.slice(7)))) problems.push(`revision ${rel} names missing blob ${d.digest}`);
    }
  }
  return problems;
}

/** A port nothing listens on, from the kernel (for a registry to take, or to stay closed). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** distribution's registry (Debian's docker-registry) on a loopback port, from a config file of its own. */
export async function startDistribution(dir: string): Promise<{ host: string; stop(): Promise<void> }> {
  const host = `127.0.0.1:${await freePort()}`;
  const config = join(dir, 'distribution.yml');
  writeFileSync(config, stringify({
    version: 0.1, log: { level: 'error' }, http: { addr: host },
    storage: { filesystem: { rootdirectory: join(dir, 'distribution-data') }, delete: { enabled: true } },
  }));
  const child = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  for (let i = 0; ; i++) {
    const up = await http(`http://${host}`, 'GET', '/v2/').then((r) => r.status === 200, () => false);
    if (up) break;
    if (i > 200 || child.exitCode !== null) throw new Error('docker-registry did not start');
    await new Promise((done) => setTimeout(done, 50));
  }
  return { host, stop: async () => (child.kill('SIGTERM'), await exited) };
}
