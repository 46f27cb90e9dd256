// A private dockerd for interop tests: its own socket, data root and exec
// root under a temporary directory, no bridge and no iptables rules, so it
// touches nothing of the host's network. `stop()` ends it, unmounts whatever
// it left mounted under its directory, and removes the directory.
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, readdirSync, closeSync, rmSync, rmdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readMountInfo } from '../../chapters/01-namespaces/mountinfo.ts';

export interface Dockerd {
  dir: string;
  host: string;
  /** Runs the docker CLI against this daemon; throws with its stderr on failure unless `allowFail`. */
  docker(args: string[], options?: { allowFail?: boolean; input?: string | Buffer }): SpawnSyncReturns<string>;
  log(): string;
  stop(): Promise<void>;
}

const DOCKER = process.env.SKIFF_DOCKER_CLI ?? 'docker';

/** `extraArgs` go to dockerd after ours (another runtime with --add-runtime, say). */
export async function startDockerd(extraArgs: string[] = []): Promise<Dockerd> {
  // Short path: a unix socket path must fit in 108 bytes (man 7 unix).
  const dir = mkdtempSync('/tmp/skiff-dockerd-');
  // Containers of this daemon go into cgroups of their own name, removed on stop.
  const cgroupParent = basename(dir);
  const cgroupsBefore = new Set(cgroupDirsNamed('docker'));
  const host = `unix://${join(dir, 'docker.sock')}`;
  const logFd = openSync(join(dir, 'dockerd.log'), 'a');
  const daemon: ChildProcess = spawn(
    'dockerd',
    [
      '--host', host,
      '--data-root', join(dir, 'data'),
      '--exec-root', join(dir, 'exec'),
      '--pidfile', join(dir, 'dockerd.pid'),
      '--bridge=none', '--iptables=false', '--ip6tables=false',
      '--storage-driver=overlay2',
      // The cgroupfs driver works on v1, hybrid and v2 hosts without systemd.
      '--exec-opt', 'native.cgroupdriver=cgroupfs',
      '--cgroup-parent', `/${cgroupParent}`,
      ...extraArgs,
    ],
    { stdio: ['ignore', logFd, logFd] },
  );
  closeSync(logFd);
  const exited = new Promise<void>((resolve) => daemon.once('exit', () => resolve()));
  let running = true;
  void exited.then(() => (running = false));

  const env = { ...process.env, DOCKER_CONFIG: join(dir, 'cli-config'), DOCKER_HOST: host };
  const docker: Dockerd['docker'] = (args, options = {}) => {
    const result = spawnSync(DOCKER, ['-H', host, ...args], { encoding: 'utf8', env, input: options.input, maxBuffer: 1 << 28 });
    if (!options.allowFail && result.status !== 0) {
      throw new Error(`docker ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
    }
    return result;
  };
  const log = () => (existsSync(join(dir, 'dockerd.log')) ? readFileSync(join(dir, 'dockerd.log'), 'utf8') : '');

  const stop = async () => {
    if (running) {
      daemon.kill('SIGTERM');
      const timer = new AbortController();
      const done = await Promise.race([
        exited.then(() => true),
        sleep(30_000, undefined, { signal: timer.signal }).then(() => false, () => true),
      ]);
      timer.abort();
      if (!done) {
        daemon.kill('SIGKILL');
        await exited;
      }
    }
    unmountUnder(dir);
    rmSync(dir, { recursive: true, force: true });
    // With --userns-remap, dockerd keeps containerd's state for the remapped root beside
    // the directory of its exec root, as <dir>.<uid>.<gid>: it is this daemon's too.
    for (const name of readdirSync(dirname(dir))) {
      if (name.startsWith(`${basename(dir)}.`)) rmSync(join(dirname(dir), name), { recursive: true, force: true });
    }
    // A container's last process may still be on its way out when dockerd
    // has exited (its shim reaps it), and rmdir fails with EBUSY until it is.
    for (let attempt = 0; attempt < 50; attempt++) {
      for (const cgroup of cgroupDirsNamed(cgroupParent)) removeCgroupTree(cgroup);
      for (const cgroup of cgroupDirsNamed('docker')) if (!cgroupsBefore.has(cgroup)) removeCgroupTree(cgroup);
      if (!cgroupDirsNamed(cgroupParent).length) break;
      await sleep(100);
    }
  };

  // Wait until the daemon answers (it starts its own containerd first).
  for (let i = 0; ; i++) {
    if (!running) {
      const text = log();
      await stop();
      throw new Error(`dockerd exited during start-up:\n${text.slice(-2000)}`);
    }
    if (docker(['version', '--format', '{{.Server.Version}}'], { allowFail: true }).status === 0) break;
    if (i > 600) {
      const text = log();
      await stop();
      throw new Error(`dockerd did not answer within a minute:\n${text.slice(-2000)}`);
    }
    await sleep(100);
  }
  return { dir, host, docker, log, stop };
}

/** Lazily unmounts every mount point below `dir`, deepest first (man 8 umount, -l). */
function unmountUnder(dir: string): void {
  const mountPoints = readMountInfo()
    .map((m) => m.mountPoint)
    .filter((point) => point === dir || point.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of mountPoints) spawnSync('umount', ['-l', point]);
}

/** The directories called `name` at the top of every mounted cgroup hierarchy. */
function cgroupDirsNamed(name: string): string[] {
  const roots = readMountInfo()
    .filter((m) => m.fsType === 'cgroup' || m.fsType === 'cgroup2')
    .map((m) => m.mountPoint);
  return roots.map((root) => join(root, name)).filter((path) => existsSync(path));
}

/** Removes an empty cgroup and its empty children, deepest first (cgroups are removed with rmdir). */
function removeCgroupTree(path: string): void {
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.isDirectory()) removeCgroupTree(join(path, entry.name));
  }
  try {
    rmdirSync(path);
  } catch {
    // still in use: leave it rather than fail the test run
  }
}

/** A tarball of a busybox root filesystem, as `docker import` takes. */
export function tarDirectory(dir: string, tarPath: string): string {
  const result = spawnSync('tar', ['-C', dir, '--numeric-owner', '-cf', tarPath, '.'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tar failed: ${result.stderr}`);
  return tarPath;
}
