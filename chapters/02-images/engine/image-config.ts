// image-config.ts — from an image's config to an OCI runtime spec, the way Docker does it.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { defaultSpec, type MountSpec, resolveInRoot, RuntimeError, type Spec } from '../../01-namespaces/index.js';
import type { ContainerConfig } from '../store/index.js';

// #region overrides
/** Docker's default PATH (moby `oci/defaults.go`), set when the image has none. */
export const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * A `-v HOST:CONTAINER[:ro]` bind mount. `fill`: the source is a volume that,
 * while empty, first gets the image's files at the destination (Docker's copy-up).
 */
export interface VolumeMount { source: string; destination: string; readonly: boolean; fill?: boolean }

/** What `run` may say about the container, on top of the image. */
export interface RunOverrides {
  cmd?: string[];
  /** `--entrypoint`: one program; the empty string clears the image's. */
  entrypoint?: string;
  env?: string[];
  workdir?: string;
  user?: string;
  hostname: string;
  tty?: boolean;
  volumes?: VolumeMount[];
  /** Bytes. */
  memory?: number;
  pidsLimit?: number;
  /** Host files bind-mounted over /etc/hosts, /etc/hostname, /etc/resolv.conf. */
  etcFiles?: Record<string, string>;
  cgroupsPath?: string;
}

/** A container that cannot start; `exitCode` is what the docker CLI would exit with (125, 126, 127). */
export class StartError extends RuntimeError {
  constructor(message: string, exitCode: number) {
    super(message, exitCode);
  }
}
// #endregion overrides

// #region command
/**
 * The argv: Entrypoint, then Cmd. `run IMAGE ARGS` replaces Cmd;
 * `--entrypoint` replaces Entrypoint and drops the image's Cmd (moby
 * `daemon/create.go` merge rules), so `--entrypoint sh img` runs `sh` alone.
 */
export function commandLine(config: ContainerConfig, overrides: Pick<RunOverrides, 'cmd' | 'entrypoint'>): string[] {
  let entrypoint = config.Entrypoint ?? [];
  let cmd = config.Cmd ?? [];
  if (overrides.entrypoint !== undefined) {
    entrypoint = overrides.entrypoint === '' ? [] : [overrides.entrypoint];
    cmd = [];
  }
  if (overrides.cmd && overrides.cmd.length > 0) cmd = overrides.cmd;
  const argv = [...entrypoint, ...cmd];
  if (argv.length === 0) throw new StartError('No command specified', 125);
  return argv;
}
// #endregion command

// #region user
export interface ResolvedUser { uid: number; gid: number; additionalGids: number[]; home: string }

/**
 * `user[:group]`, names or numbers, looked up in the image's own /etc/passwd
 * and /etc/group, never the host's. A number not in passwd is still valid,
 * with gid 0 and home `/` (Docker's behaviour).
 */
export function resolveUser(rootfs: string, spec: string | undefined): ResolvedUser {
  const [userPart = '', groupPart] = (spec ?? '').split(':', 2);
  const passwd = readTable(rootfs, '/etc/passwd');
  const groups = readTable(rootfs, '/etc/group');
  const name = userPart === '' ? 'root' : userPart;
  const entry = passwd.find((f) => f[0] === name) ?? (/^\d+$/.test(name) ? passwd.find((f) => f[2] === name) : undefined);
  let uid: number;
  let gid = 0;
  let home = '/';
  if (entry) {
    uid = Number(entry[2]);
    gid = Number(entry[3]);
    home = entry[5] || '/';
  } else if (name === 'root') {
    uid = 0; // an image with no /etc/passwd still runs as root
    home = '/root';
  } else if (/^\d+$/.test(name)) {
    uid = Number(name);
    if (uid === 0) home = '/root';
  } else {
    throw new StartError(`unable to find user ${name}: no matching entries in passwd file`, 125);
  }
  // #endregion user
  // #region user-groups
  if (groupPart !== undefined && groupPart !== '') {
    const group = groups.find((f) => f[0] === groupPart);
    if (group) gid = Number(group[2]);
    else if (/^\d+$/.test(groupPart)) gid = Number(groupPart);
    else throw new StartError(`unable to find group ${groupPart}: no matching entries in group file`, 125);
  }
  const userName = entry?.[0];
  const additionalGids = userName
    ? groups.filter((g) => (g[3] ?? '').split(',').includes(userName)).map((g) => Number(g[2])).filter((g) => g !== gid)
    : [];
  return { uid, gid, additionalGids, home };
}

/** The colon-separated fields of /etc/passwd or /etc/group inside the image. */
function readTable(rootfs: string, path: string): string[][] {
  try {
    return readFileSync(resolveInRoot(rootfs, path), 'utf8')
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => line.split(':'));
  } catch {
    return [];
  }
}
// #endregion user-groups

// #region environment
/**
 * The container's environment: the image's Env, then `-e`, then what Docker
 * always adds if missing (PATH, HOSTNAME, HOME, TERM with a tty). A bare
 * `NAME` unsets the variable, as moby's `ReplaceOrAppendEnvValues` does.
 */
export function environment(imageEnv: string[], runEnv: string[], extra: { hostname: string; home: string; tty: boolean }): string[] {
  const env = new Map<string, string>();
  const put = (entry: string): void => {
    const eq = entry.indexOf('=');
    if (eq < 0) env.delete(entry);
    else env.set(entry.slice(0, eq), entry.slice(eq + 1));
  };
  put(DEFAULT_PATH);
  put(`HOSTNAME=${extra.hostname}`);
  if (extra.tty) put('TERM=xterm');
  imageEnv.forEach(put);
  runEnv.forEach(put);
  if (!env.has('HOME')) env.set('HOME', extra.home);
  return [...env].map(([k, v]) => `${k}=${v}`);
}
// #endregion environment

// #region executable
/**
 * Finds the program the way execvp(3) would, inside the image. The docker CLI
 * turns "not found" into exit 127 and "permission denied" into 126; checking
 * first gives those answers before any namespace is made.
 */
export function checkExecutable(rootfs: string, program: string, env: string[], cwd: string): void {
  const path = (env.find((e) => e.startsWith('PATH='))?.slice(5) ?? '').split(':').filter(Boolean);
  const candidates = program.includes('/') ? [posix.resolve(cwd, program)] : path.map((dir) => posix.join(dir, program));
  for (const candidate of candidates) {
    const host = resolveInRoot(rootfs, candidate);
    if (!existsSync(host)) continue;
    const stats = statSync(host);
    if (stats.isDirectory()) {
      if (program.includes('/')) throw new StartError(`exec: "${program}": is a directory: permission denied`, 126);
      continue;
    }
    if ((stats.mode & 0o111) === 0) throw new StartError(`exec: "${program}": permission denied`, 126);
    return;
  }
  throw new StartError(
    program.includes('/')
      ? `exec: "${program}": stat ${program}: no such file or directory`
      : `exec: "${program}": executable file not found in $PATH`,
    127,
  );
}
// #endregion executable

// #region runtime-spec
/** The OCI runtime spec for a container of this image, mounted at `rootfs`. */
export function runtimeSpec(rootfs: string, config: ContainerConfig, overrides: RunOverrides): Spec {
  const user = resolveUser(rootfs, overrides.user ?? config.User);
  const cwd = posix.resolve('/', overrides.workdir || config.WorkingDir || '/');
  const env = environment(config.Env ?? [], overrides.env ?? [], { hostname: overrides.hostname, home: user.home, tty: !!overrides.tty });
  const args = commandLine(config, overrides);
  checkExecutable(rootfs, args[0], env, cwd);

  const spec = defaultSpec({ args, rootfs, terminal: !!overrides.tty, hostname: overrides.hostname, cwd });
  spec.process.env = env;
  spec.process.user = { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids };
  spec.mounts = [...(spec.mounts ?? []), ...etcMounts(overrides.etcFiles ?? {}), ...(overrides.volumes ?? []).map(bindMount)];
  const linux = (spec.linux ??= {});
  if (overrides.cgroupsPath) linux.cgroupsPath = overrides.cgroupsPath;
  linux.resources ??= {};
  if (overrides.memory) linux.resources.memory = { limit: overrides.memory };
  // Docker's --pids-limit 0 or -1: no limit.
  if (overrides.pidsLimit && overrides.pidsLimit > 0) linux.resources.pids = { limit: overrides.pidsLimit };
  return spec;
}

function bindMount(volume: VolumeMount): MountSpec {
  return { destination: volume.destination, type: 'bind', source: volume.source, options: ['rbind', volume.readonly ? 'ro' : 'rw'] };
}

function etcMounts(files: Record<string, string>): MountSpec[] {
  return Object.entries(files).map(([destination, source]) => ({ destination, type: 'bind', source, options: ['rbind', 'rprivate'] }));
}
// #endregion runtime-spec
