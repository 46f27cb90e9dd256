// host-config.ts — HostConfig: applied, or refused, never ignored.

import { existsSync } from 'node:fs';
import { posix } from 'node:path';
import { InvalidArgumentError } from '../../01-namespaces/index.js';
import type { HostConfig } from '../api/index.js';
import type { MountPoint } from './container.js';

// #region refuse
const refuse = (what: string) => new InvalidArgumentError(`${what} is not supported by this daemon`);
// #endregion refuse

// #region restart-policy
const POLICIES = ['no', 'always', 'on-failure', 'unless-stopped'];

/** moby's validation of RestartPolicy, in the words of the dockerd the conformance suite was checked against. */
export function restartPolicy(hc: HostConfig): { Name: string; MaximumRetryCount: number } {
  const name = hc.RestartPolicy?.Name || 'no';
  const retries = hc.RestartPolicy?.MaximumRetryCount ?? 0;
  if (!POLICIES.includes(name)) throw new InvalidArgumentError(`invalid restart policy '${name}'`);
  if (retries < 0) throw new InvalidArgumentError('maximum retry count cannot be negative');
  if (retries > 0 && name !== 'on-failure') throw new InvalidArgumentError(`maximum retry count cannot be used with restart policy '${name}'`);
  if (hc.AutoRemove && name !== 'no') throw new InvalidArgumentError("can't create 'AutoRemove' container with restart policy");
  return { Name: name, MaximumRetryCount: retries };
}
// #endregion restart-policy

// #region resources
/** Limits Docker checks before it starts anything (moby daemon/daemon_unix.go verifyPlatformContainerResources). */
export function checkResources(hc: HostConfig, ncpu: number): void {
  const memory = hc.Memory ?? 0;
  const swap = hc.MemorySwap ?? 0;
  if (memory > 0 && memory < 6 * 1024 * 1024) throw new InvalidArgumentError('Minimum memory limit allowed is 6MB');
  if (swap > 0 && memory === 0) throw new InvalidArgumentError('You should always set the Memory limit when using Memoryswap limit, see usage');
  if (swap > 0 && swap < memory) throw new InvalidArgumentError('Minimum memoryswap limit should be larger than memory limit, see usage');
  if (swap < -1) throw new InvalidArgumentError('invalid MemorySwap: must be -1 (unlimited), 0 (twice Memory) or a number of bytes');
  if (swap === -1) throw refuse('unlimited swap (MemorySwap -1)');
  const nano = hc.NanoCpus ?? 0;
  if (nano !== 0 && ((hc.CpuQuota ?? 0) !== 0 || (hc.CpuPeriod ?? 0) !== 0)) {
    throw new InvalidArgumentError('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  }
  if (nano < 0 || nano > ncpu * 1e9) {
    throw new InvalidArgumentError(`Range of CPUs is from 0.01 to ${ncpu}.00, as there are only ${ncpu} CPUs available`);
  }
  if ((hc.CpuShares ?? 0) < 0) throw new InvalidArgumentError('invalid CPU shares: must not be negative');
  if ((hc.PidsLimit ?? 0) < -1) throw new InvalidArgumentError('invalid PidsLimit: must be -1, 0 or more');
}
// #endregion resources

// #region refused
/** Everything this daemon cannot do, refused by name if asked for. */
export function refuseUnsupported(hc: HostConfig): void {
  const nonEmpty = (x: unknown) => x !== undefined && x !== null && x !== '' && x !== 0 && x !== false && !(Array.isArray(x) && x.length === 0) &&
    !(typeof x === 'object' && !Array.isArray(x) && Object.keys(x as object).length === 0);
  const fields: [keyof HostConfig, string][] = [
    ['Privileged', 'Privileged (--privileged)'], ['CapAdd', 'CapAdd (--cap-add)'], ['CapDrop', 'CapDrop (--cap-drop)'],
    ['SecurityOpt', 'SecurityOpt (--security-opt)'], ['PidMode', 'PidMode (--pid)'],
    ['IpcMode', 'IpcMode (--ipc)'], ['UTSMode', 'UTSMode (--uts)'], ['UsernsMode', 'UsernsMode (--userns)'], ['ShmSize', 'ShmSize (--shm-size)'],
    ['OomKillDisable', 'OomKillDisable (--oom-kill-disable)'], ['Init', 'Init (--init)'], ['CpusetCpus', 'CpusetCpus (--cpuset-cpus)'],
    ['CpusetMems', 'CpusetMems (--cpuset-mems)'], ['Links', 'Links (--link)'], ['VolumesFrom', 'VolumesFrom (--volumes-from)'],
    ['Devices', 'Devices (--device)'], ['Ulimits', 'Ulimits (--ulimit)'], ['Sysctls', 'Sysctls (--sysctl)'], ['Tmpfs', 'Tmpfs (--tmpfs)'],
    ['BlkioWeight', 'BlkioWeight (--blkio-weight)'], ['MaskedPaths', 'MaskedPaths'], ['ReadonlyPaths', 'ReadonlyPaths'],
    ['GroupAdd', 'GroupAdd (--group-add)'], ['CgroupParent', 'CgroupParent (--cgroup-parent)'], ['MemoryReservation', 'MemoryReservation (--memory-reservation)'],
    ['OomScoreAdj', 'OomScoreAdj (--oom-score-adj)'],
  ];
  for (const [field, what] of fields) if (nonEmpty(hc[field])) throw refuse(what);
  if (hc.CgroupnsMode && hc.CgroupnsMode !== 'private') throw refuse(`CgroupnsMode ${hc.CgroupnsMode}`);
  if (hc.Runtime && hc.Runtime !== 'skiff-runtime') throw refuse(`Runtime ${hc.Runtime}`);
  const log = hc.LogConfig?.Type;
  if (log && log !== 'json-file') throw refuse(`log driver ${log}`);
}

/**
 * `default`, `bridge`, `none`, `host`, or a network's name or id: each but
 * `host` a network namespace of its own. A network that does not exist is
 * refused with a 400 — a 404 would make the docker CLI pull the image and try again.
 */
export function networkMode(hc: HostConfig, exists: (name: string) => boolean): string {
  const mode = hc.NetworkMode || 'default';
  if (mode.startsWith('container:')) throw refuse(`NetworkMode ${mode}`);
  if (mode === 'default' || exists(mode)) return mode;
  throw new InvalidArgumentError(`network ${mode} not found`);
}
// #endregion refused

// #region binds
/**
 * `-v /host:/ctr[:ro]` (Binds) and `--mount type=bind` (Mounts). For Binds
 * Docker creates a missing host directory; for Mounts it refuses, with the
 * message below. A source that is not an absolute path names a volume,
 * which this daemon does not have.
 */
export function bindMounts(hc: HostConfig): MountPoint[] {
  const points: MountPoint[] = [];
  for (const bind of hc.Binds ?? []) {
    const [source = '', destination = '', mode = ''] = bind.split(':');
    if (!destination) throw new InvalidArgumentError(`invalid volume specification: '${bind}'`);
    if (!source.startsWith('/')) throw volumeName(source);
    if (!posix.isAbsolute(destination)) throw new InvalidArgumentError(`invalid volume specification: '${bind}': invalid mount config for type "bind": invalid mount path: '${destination}' mount path must be absolute`);
    const modes = mode ? mode.split(',') : [];
    if (modes.some((m) => !['ro', 'rw', 'z', 'Z', 'rprivate', 'private'].includes(m))) throw new InvalidArgumentError(`invalid mode: ${mode}`);
    points.push({ Type: 'bind', Source: source, Destination: posix.normalize(destination), Mode: mode, RW: !modes.includes('ro'), Propagation: 'rprivate' });
  }
  for (const m of hc.Mounts ?? []) {
    if (m.Type !== 'bind') throw refuse(`mount type ${JSON.stringify(m.Type)}`);
    const source = m.Source ?? '';
    if (!existsSync(source)) throw new InvalidArgumentError(`invalid mount config for type "bind": bind source path does not exist: ${source}`);
    if (!m.Target || !posix.isAbsolute(m.Target)) throw new InvalidArgumentError(`invalid mount config for type "bind": invalid mount path: '${m.Target ?? ''}' mount path must be absolute`);
    points.push({ Type: 'bind', Source: source, Destination: posix.normalize(m.Target), Mode: '', RW: !m.ReadOnly, Propagation: 'rprivate' });
  }
  return points;
}

/** A source that is not a path names a volume: refused, in Docker's words if the name could not be one. */
function volumeName(source: string): InvalidArgumentError {
  if (/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(source)) return refuse(`named volume ${JSON.stringify(source)}`);
  return new InvalidArgumentError(`create ${source}: ${JSON.stringify(source)} includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`);
}
// #endregion binds

