// Shared by the daemon's tests: a busybox root filesystem as a tarball,
// imported into a daemon as `busybox:latest`, and raw HTTP on its socket
// for what the docker CLI hides (statuses, headers, exact bodies).
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { makeBusyboxRootfs } from '../helpers/rootfs.ts';
import type { Dockerd } from '../helpers/dockerd.ts';

/** A tarball of a busybox root filesystem, made under `dir`. */
export function busyboxTarball(dir: string): string {
  const rootfs = makeBusyboxRootfs(join(dir, 'busybox-rootfs'));
  const tar = join(dir, 'busybox.tar');
  const r = spawnSync('tar', ['-C', rootfs, '--numeric-owner', '-cf', tar, '.'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tar: ${r.stderr}`);
  return tar;
}

/** Imports busybox into the daemon as busybox:latest; answers the image id. */
export function importBusybox(d: Dockerd): string {
  const tar = busyboxTarball(d.dir);
  return d.docker(['import', tar, 'busybox:latest']).stdout.trim();
}

/** A build context directory with these files. */
export function context(dir: string, name: string, files: Record<string, string>): string {
  const ctx = join(dir, name);
  mkdirSync(ctx, { recursive: true });
  for (const [file, text] of Object.entries(files)) spawnSync('sh', ['-c', 'cat > "$1"', 'sh', join(ctx, file)], { input: text });
  return ctx;
}

export interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: string }

/** One HTTP request on the daemon's unix socket. */
export function call(d: Dockerd, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<Reply> {
  const socketPath = d.host.slice('unix://'.length);
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c) => (text += c)).on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A docker command left running while the test goes on (attach, logs -f): its exit code and what it printed. */
export function dockerInBackground(d: Dockerd, args: string[], input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('docker', ['-H', d.host, ...args], { env: { ...process.env, DOCKER_CONFIG: join(d.dir, 'cli-config') } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/**
 * A DNS server of the test's own on a loopback address, answering every
 * question with one A record (RFC 1035 4.1: the header with QR, RD, RA set,
 * the question echoed, the answer pointing back at it).
 */
export async function fakeUpstream(address: string, answer: [number, number, number, number]): Promise<{ close(): void }> {
  const upstream = createSocket('udp4');
  upstream.on('message', (q, from) => {
    const header = Buffer.from(q.subarray(0, 12));
    header.writeUInt16BE(0x8180, 2);
    header.writeUInt32BE(0x00010001, 4); // one question, one answer
    header.writeUInt32BE(0, 8); // no other records
    const question = q.subarray(12, q.indexOf(0, 12) + 5);
    const record = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, ...answer]);
    upstream.send(Buffer.concat([header, question, record]), from.port, from.address);
  });
  await new Promise<void>((resolve) => upstream.bind(53, address, resolve));
  return { close: () => upstream.close() };
}
