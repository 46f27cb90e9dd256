// The daemon a conformance file drives, and the docker CLI pointed at it.
//
// Every assertion in these files was first checked against a real dockerd
// (Debian's docker.io 20.10 with the 28.x CLI), so each one is a fact about
// Docker. The same files then grade Skiff's daemon, or anyone's:
//   SKIFF_CONFORMANCE_TARGET=dockerd   a private dockerd (test/helpers/dockerd.ts)
//   unset, or =skiffd                  skiffd (test/helpers/skiffd.ts, startSkiffd)
// Each file starts one daemon in `before`, seeds it with the same image the
// same way (through the CLI: `docker import` of a busybox rootfs), and stops
// it in `after`.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDockerd, tarDirectory, type Dockerd } from '../../helpers/dockerd.js';
import { makeBusyboxRootfs, makeTempDir, removeTempDir } from '../../helpers/rootfs.js';

const DOCKER = process.env.SKIFF_DOCKER_CLI ?? 'docker';

/** What one docker CLI invocation did. `code` is null when it was killed (a hang). */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string | Buffer;
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface Conformance {
  /** Which engine answers: 'dockerd' or 'skiffd'. */
  target: string;
  daemon: Dockerd;
  /** A scratch directory for this file, removed by `stop`. */
  work: string;
  /** The busybox root filesystem as a tar, as `docker import` takes it. */
  rootfsTar: string;
  /** Runs the CLI to completion; never throws, the caller asserts the exit code. */
  docker(args: string[], options?: RunOptions): CliResult;
  /** Runs the CLI, asserts exit 0 and empty stderr, returns stdout. */
  ok(args: string[], options?: RunOptions): string;
  /** Runs the CLI in the background, for commands that overlap (logs -f, attach). */
  dockerAsync(args: string[], options?: RunOptions & { stdinAfterMs?: number }): Promise<CliResult>;
  /** Runs the CLI on a real pseudo-terminal (util-linux script(1)), typing `input` into it. */
  inPty(args: string[], input: string): CliResult;
  stop(): Promise<void>;
}

/** The image every file seeds: busybox, imported with `CMD ["sh"]` and nothing else. */
export const IMAGE = 'busybox';

/** Starts the daemon SKIFF_CONFORMANCE_TARGET names. */
async function startTarget(target: string): Promise<Dockerd> {
  if (target === 'dockerd') return startDockerd();
  if (target !== 'skiffd') {
    throw new Error(`SKIFF_CONFORMANCE_TARGET=${target}: expected "dockerd" or "skiffd" (the default)`);
  }
  // Imported by a computed name so these files compile before the helper exists.
  const helper = '../../helpers/skiffd.js';
  let module: { startSkiffd?: () => Promise<Dockerd> };
  try {
    module = await import(helper);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
      throw new Error(
        'conformance: test/helpers/skiffd.ts (startSkiffd) does not exist, so there is no skiffd to test; ' +
          'set SKIFF_CONFORMANCE_TARGET=dockerd to run this suite against a real dockerd',
      );
    }
    throw error;
  }
  if (typeof module.startSkiffd !== 'function') {
    throw new Error('conformance: test/helpers/skiffd.ts does not export startSkiffd()');
  }
  return module.startSkiffd();
}

/** Starts this file's daemon and seeds it with the busybox image. */
export async function startConformance(): Promise<Conformance> {
  const target = process.env.SKIFF_CONFORMANCE_TARGET || 'skiffd';
  const work = makeTempDir('skiff-conformance-');
  let daemon: Dockerd | undefined;
  try {
    const rootfsTar = tarDirectory(makeBusyboxRootfs(join(work, 'rootfs')), join(work, 'rootfs.tar'));
    daemon = await startTarget(target);
    const config = join(work, 'cli-config');
    mkdirSync(config);
    const env = cliEnvironment(daemon.host, config);
    const conformance = makeConformance(target, daemon, work, rootfsTar, env);
    conformance.ok(['import', '--change', 'CMD ["sh"]', rootfsTar, `${IMAGE}:latest`]);
    return conformance;
  } catch (error) {
    await daemon?.stop();
    removeTempDir(work);
    throw error;
  }
}

/** The CLI's environment: this daemon only, nothing inherited that changes the CLI's behaviour. */
function cliEnvironment(host: string, config: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: host, DOCKER_CONFIG: config };
  for (const name of ['DOCKER_CONTEXT', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_BUILDKIT', 'DOCKER_API_VERSION']) {
    delete env[name];
  }
  return env;
}

function makeConformance(target: string, daemon: Dockerd, work: string, rootfsTar: string, env: NodeJS.ProcessEnv): Conformance {
  const docker = (args: string[], options: RunOptions = {}): CliResult => {
    const result = spawnSync(DOCKER, args, {
      encoding: 'utf8',
      env: { ...env, ...options.env },
      input: options.input ?? '',
      timeout: options.timeoutMs ?? 60_000,
      killSignal: 'SIGKILL',
      maxBuffer: 1 << 28,
    });
    return { code: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
  };

  const ok = (args: string[], options?: RunOptions): string => {
    const result = docker(args, options);
    assert.equal(result.code, 0, `docker ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    assert.equal(result.stderr, '', `docker ${args.join(' ')} wrote to stderr`);
    return result.stdout;
  };

  const dockerAsync: Conformance['dockerAsync'] = (args, options = {}) =>
    new Promise((resolve) => {
      const child = spawn(DOCKER, args, { env: { ...env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
      const writeInput = () => child.stdin.end(options.input ?? '');
      if (options.stdinAfterMs === undefined) writeInput();
      else setTimeout(writeInput, options.stdinAfterMs);
    });

  const inPty = (args: string[], input: string): CliResult => {
    // script(1) runs the command on a new pty and copies its own stdin into
    // it; -e returns the command's exit code, -q drops script's banners.
    const command = [DOCKER, ...args].map(shellQuote).join(' ');
    const result = spawnSync('script', ['-qec', command, '/dev/null'], {
      encoding: 'utf8',
      env,
      input,
      timeout: 60_000,
      killSignal: 'SIGKILL',
    });
    return { code: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
  };

  const stop = async () => {
    try {
      // Containers go first: a daemon that stops its running containers on
      // the way out would give each the 10 s stop timeout.
      const ids = docker(['ps', '-aq']).stdout.split('\n').filter(Boolean);
      if (ids.length > 0) docker(['rm', '-f', ...ids]);
      await daemon.stop();
    } finally {
      removeTempDir(work);
    }
  };

  return { target, daemon, work, rootfsTar, docker, ok, dockerAsync, inPty, stop };
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Polls `probe` until it returns a value, for states a daemon reaches on its own (restarts). */
export async function eventually<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** A Unix time in seconds with nanoseconds, as `--since`/`--until` take it. */
export function unixTime(ms = Date.now()): string {
  return `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}000000`;
}

// Text that legitimately differs between two runs or two engines, as patterns.
/** docker's units.HumanDuration for the spans these tests take. */
export const AGO = String.raw`(?:Less than a second|1 second|\d+ seconds|About a minute|\d+ minutes)`;
/** docker's units.HumanSize / BytesSize output: "0B", "17B", "1.99MB", "64MiB". */
export const SIZE = String.raw`\d+(?:\.\d+)?(?:B|kB|MB|GB|KiB|MiB|GiB)`;
export const ID12 = String.raw`[0-9a-f]{12}`;
export const ID64 = String.raw`[0-9a-f]{64}`;

/** The lines of a text, without the empty one after the final newline. */
export function lines(text: string): string[] {
  const all = text.split('\n');
  if (all.at(-1) === '') all.pop();
  return all;
}

/** The columns of a `docker ps`/`images` table row: cells are separated by two or more spaces. */
export function cells(row: string): string[] {
  return row.trim().split(/\s{2,}/);
}
