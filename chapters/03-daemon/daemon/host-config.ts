// host-config.ts — HostConfig: applied, or refused, never ignored.

import { InvalidArgumentError } from '../../01-namespaces/index.js';
import type { HostConfig } from '../api/index.js';

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
    ['PidMode', 'PidMode (--pid)'],
    ['IpcMode', 'IpcMode (--ipc)'], ['UTSMode', 'UTSMode (--uts)'], ['ShmSize', 'ShmSize (--shm-size)'],
    ['OomKillDisable', 'OomKillDisable (--oom-kill-disable)'], ['Init', 'Init (--init)'], ['CpusetCpus', 'CpusetCpus (--cpuset-cpus)'],
    ['CpusetMems', 'CpusetMems (--cpuset-mems)'], ['Links', 'Links (--link)'],
    ['Ulimits', 'Ulimits (--ulimit)'], ['Sysctls', 'Sysctls (--sysctl)'], ['BlkioWeight', 'BlkioWeight (--blkio-weight)'],
    ['GroupAdd', 'GroupAdd (--group-add)'], ['CgroupParent', 'CgroupParent (--cgroup-parent)'], ['MemoryReservation', 'MemoryReservation (--memory-reservation)'],
    ['OomScoreAdj', 'OomScoreAdj (--oom-score-adj)'], ['DeviceRequests', 'DeviceRequests (--gpus)'],
    ['Capabilities', 'Capabilities (a whole capability set; use CapAdd and CapDrop)'], ['Cgroup', 'Cgroup (another container\'s cgroup)'],
    ['BlkioWeightDevice', 'BlkioWeightDevice (--blkio-weight-device)'], ['BlkioDeviceReadBps', 'BlkioDeviceReadBps (--device-read-bps)'],
    ['BlkioDeviceWriteBps', 'BlkioDeviceWriteBps (--device-write-bps)'], ['BlkioDeviceReadIOps', 'BlkioDeviceReadIOps (--device-read-iops)'],
    ['BlkioDeviceWriteIOps', 'BlkioDeviceWriteIOps (--device-write-iops)'], ['CpuRealtimePeriod', 'CpuRealtimePeriod (--cpu-rt-period)'],
    ['CpuRealtimeRuntime', 'CpuRealtimeRuntime (--cpu-rt-runtime)'], ['KernelMemory', 'KernelMemory (--kernel-memory)'],
    ['KernelMemoryTCP', 'KernelMemoryTCP'], ['StorageOpt', 'StorageOpt (--storage-opt)'],
    ['CpuCount', 'CpuCount (--cpu-count, Windows)'], ['CpuPercent', 'CpuPercent (--cpu-percent, Windows)'],
    ['IOMaximumIOps', 'IOMaximumIOps (--io-maxiops, Windows)'], ['IOMaximumBandwidth', 'IOMaximumBandwidth (--io-maxbandwidth, Windows)'],
  ];
  for (const [field, what] of fields) if (nonEmpty(hc[field])) throw refuse(what);
  // -1, the CLI's default, means "the host's"; anything else is a setting.
  if (hc.MemorySwappiness !== undefined && hc.MemorySwappiness !== null && hc.MemorySwappiness !== -1) throw refuse('MemorySwappiness (--memory-swappiness)');
  if (hc.VolumeDriver && hc.VolumeDriver !== 'local') throw refuse(`VolumeDriver ${hc.VolumeDriver}`);
  if (hc.Isolation && hc.Isolation !== 'default') throw new InvalidArgumentError(`invalid isolation '${hc.Isolation}' on linux`);
  if (hc.CgroupnsMode && hc.CgroupnsMode !== 'private') throw refuse(`CgroupnsMode ${hc.CgroupnsMode}`);
  if (hc.Runtime && hc.Runtime !== 'skiff-runtime') throw refuse(`Runtime ${hc.Runtime}`);
  const log = hc.LogConfig?.Type;
  if (log && log !== 'json-file') throw refuse(`log driver ${log}`);
}
// #endregion refused

// #region network-mode
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
// #endregion network-mode
