// A private skiffd for tests: its own socket, data root and exec root under a
// temporary directory, with the very interface of startDockerd() (dockerd.ts),
// so that one test can be pointed at either daemon. `stop()` removes every
// container the daemon still has, ends the daemon, kills whatever process a
// container left (containers outlive their daemon by design), unmounts what
// is mounted under its directory and removes it.
//
// SKIFFD="node path/to/main.js" points the tests at another build of the daemon.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readMountInfo } from '../../chapters/01-namespaces/mountinfo.ts';
import type { Dockerd } from './dockerd.ts';

export type { Dockerd } from './dockerd.ts';

const DOCKER = process.env.SKIFF_DOCKER_CLI ?? 'docker';

/** The daemon's command line: ours as built, or SKIFFD's. */
export function skiffdCommand(): string[] {
  const override = process.env.SKIFFD;
  if (override) return override.split(' ').filter(Boolean);
  return [process.execPath, resolve(import.meta.dirname, '../../dist/chapters/03-daemon/main.js')];
}

export type Skiffd = Dockerd & {
  /** SIGKILL (or another signal) the daemon and start it again over the same data; containers live on. */
  restart(signal?: NodeJS.Signals): Promise<void>;
};

/** `debug: false` starts it without --debug (a request log costs time: benchmarks); `command` runs another entry of the daemon (chapter 05's, with its registry client) in place of skiffdCommand(). */
export async function startSkiffd(options: { extraArgs?: string[]; debug?: boolean; command?: string[] } = {}): Promise<Skiffd> {
  // Short path: a unix socket path must fit in 108 bytes (man 7 unix).
  const dir = mkdtempSync('/tmp/skiffd-');
  // A remapped root must be able to search every directory above its data root, as dockerd demands (mkdtemp makes 0700).
  if (options.extraArgs?.includes('--userns-remap')) chmodSync(dir, 0o711);
  const socket = join(dir, 'skiffd.sock');
  const host = `unix://${socket}`;
  const logPath = join(dir, 'skiffd.log');
  // No default bridge unless the test asks for one, as the tests' dockerd runs (--bridge=none):
  // test files run side by side, and a bridge of their own is theirs to name and number.
  const bridge = options.extraArgs?.includes('--bridge') ? [] : ['--bridge', 'none'];
  let daemon: ChildProcess;
  let exited: Promise<void>;
  let running = false;
  const launch = () => {
    const logFd = openSync(logPath, 'a');
    const [cmd, ...args] = options.command ?? skiffdCommand();
    daemon = spawn(cmd!, [...args, '--host', host, '--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'), ...(options.debug === false ? [] : ['--debug']), ...bridge, ...(options.extraArgs ?? [])], {
      stdio: ['ignore', logFd, logFd],
    });
    closeSync(logFd);
    running = true;
    exited = new Promise<void>((done) => daemon.once('exit', () => ((running = false), done())));
  };
  launch();

  const env = { ...process.env, DOCKER_CONFIG: join(dir, 'cli-config'), DOCKER_HOST: host };
  const docker: Dockerd['docker'] = (args, opts = {}) => {
    const result = spawnSync(DOCKER, ['-H', host, ...args], { encoding: 'utf8', env, input: opts.input, maxBuffer: 1 << 28 });
    if (!opts.allowFail && result.status !== 0) {
      throw new Error(`docker ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
    }
    return result;
  };
  const log = () => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : '');

  const stopDaemon = async (signal: NodeJS.Signals) => {
    if (!running) return;
    daemon.kill(signal);
    await exited;
  };

  const stop = async () => {
    if (running) {
      const ids = docker(['ps', '-aq'], { allowFail: true }).stdout.trim().split('\n').filter(Boolean);
      if (ids.length) docker(['rm', '-f', ...ids], { allowFail: true });
      await stopDaemon('SIGTERM');
    }
    killProcessesUsing(dir);
    unmountUnder(dir);
    rmSync(dir, { recursive: true, force: true });
  };

  await waitForPing(socket, () => running, async () => {
    const text = log();
    await stop();
    return text;
  });
  return Object.assign({ dir, host, docker, log, stop }, {
    /** Test-only: SIGKILL the daemon (containers live on) and start it again over the same data. */
    async restart(signal: NodeJS.Signals = 'SIGKILL') {
      await stopDaemon(signal);
      launch();
      await waitForPing(socket, () => running, async () => log());
    },
  });
}

/** Polls GET /_ping until the daemon answers (or dies, or 20 s pass). */
async function waitForPing(socket: string, alive: () => boolean, failed: () => Promise<string>): Promise<void> {
  for (let i = 0; ; i++) {
    if (!alive()) throw new Error(`skiffd exited during start-up:\n${(await failed()).slice(-2000)}`);
    if (await ping(socket)) return;
    if (i > 400) throw new Error(`skiffd did not answer within 20 s:\n${(await failed()).slice(-2000)}`);
    await sleep(50);
  }
}

function ping(socketPath: string): Promise<boolean> {
  return new Promise((done) => {
    const req = request({ socketPath, path: '/_ping' }, (res) => {
      res.resume();
      done(res.statusCode === 200);
    });
    req.on('error', () => done(false));
    req.end();
  });
}

/** Kills every process whose command line or working directory lies under `dir` (shims, containers). */
function killProcessesUsing(dir: string): void {
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    if (Number(pid) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const root = readlinkSync(`/proc/${pid}/root`);
      if (cmdline.includes(dir) || root.startsWith(dir)) process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone already, or not ours to read
    }
  }
}

/** Lazily unmounts every mount point below `dir`, deepest first (man 8 umount, -l). */
function unmountUnder(dir: string): void {
  const points = readMountInfo()
    .map((m) => m.mountPoint)
    .filter((p) => p === dir || p.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of points) spawnSync('umount', ['-l', point]);
}
