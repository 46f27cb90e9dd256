// update.ts — `docker update`: new limits for a container, at once if it runs.
//
// The new values go three places: the container's record (what inspect
// shows), its bundle's config.json (what its next start applies), and —
// if it is running — its cgroup's files, where the kernel reads them. Like
// every HostConfig field, what the daemon cannot apply is refused.

import { InvalidArgumentError } from '../../01-namespaces/index.js';
import { checkJson, UpdateConfigSchema, type UpdateConfig } from '../api/index.js';
import { patchBundle } from './bundle-patch.js';
import { cgroupsPathOf, containerCgroup, writeLimit, type ContainerCgroup } from './cgroup-files.js';
import type { Container } from './container.js';
import type { DaemonContext } from './context.js';
import { checkResources, restartPolicy } from './host-config.js';
import { pathsOf } from './paths.js';

// #region update
const CPU_PERIOD = 100_000;

export async function updateContainer(ctx: DaemonContext, c: Container, body: unknown): Promise<{ Warnings: string[] }> {
  const update = checkJson(UpdateConfigSchema, body, 'UpdateConfig');
  for (const field of ['CpusetCpus', 'CpusetMems', 'BlkioWeight', 'KernelMemory', 'MemoryReservation'] as const) {
    if (update[field]) throw new InvalidArgumentError(`${field} is not supported by this daemon`);
  }
  return c.exclusive(async () => {
    const hc = { ...c.record.HostConfig };
    for (const key of ['Memory', 'MemorySwap', 'NanoCpus', 'CpuShares', 'CpuPeriod', 'CpuQuota', 'PidsLimit'] as const) {
      if (update[key] !== undefined && update[key] !== null && update[key] !== 0) hc[key] = update[key];
    }
    if (update.Memory && !update.MemorySwap) hc.MemorySwap = update.Memory * 2;
    checkResources(hc, ctx.host.ncpu);
    if (update.RestartPolicy?.Name) hc.RestartPolicy = restartPolicy({ ...hc, RestartPolicy: update.RestartPolicy });
    if (c.state.Running) applyToCgroup(containerCgroup(cgroupsPathOf(pathsOf(ctx, c).bundle, c.id)), update, hc);
    patchBundle(pathsOf(ctx, c).bundle, hc, hc.NetworkMode ?? 'default');
    c.record.HostConfig = hc;
    c.save();
    ctx.events.log('container', 'update', c.id, c.eventAttributes());
    return { Warnings: [] };
  });
}
// #endregion update

// #region apply-cgroup
/** The limits that changed, written where the kernel reads them (v1 and v2 file names differ). */
function applyToCgroup(cg: ContainerCgroup, update: UpdateConfig, hc: Container['record']['HostConfig']): void {
  const memory = cg.dir('memory');
  if (update.Memory) {
    const swap = hc.MemorySwap ?? update.Memory * 2;
    if (cg.version === 'v1') {
      // The memory limit may never exceed memory+swap: raise whichever must move first.
      try {
        writeLimit(memory, 'memory.limit_in_bytes', update.Memory);
        writeLimit(memory, 'memory.memsw.limit_in_bytes', swap, true);
      } catch {
        writeLimit(memory, 'memory.memsw.limit_in_bytes', swap, true);
        writeLimit(memory, 'memory.limit_in_bytes', update.Memory);
      }
    } else {
      writeLimit(memory, 'memory.max', update.Memory);
      writeLimit(memory, 'memory.swap.max', Math.max(0, swap - update.Memory), true);
    }
  }
  if (update.PidsLimit !== undefined && update.PidsLimit !== null && update.PidsLimit !== 0) {
    writeLimit(cg.dir('pids'), 'pids.max', update.PidsLimit > 0 ? update.PidsLimit : 'max');
  }
  const cpu = cg.dir('cpu');
  if (update.CpuShares) {
    if (cg.version === 'v1') writeLimit(cpu, 'cpu.shares', update.CpuShares);
    else writeLimit(cpu, 'cpu.weight', Math.round(1 + ((update.CpuShares - 2) * 9999) / 262142)); // runc's shares → weight
  }
  const period = update.CpuPeriod || (update.NanoCpus ? CPU_PERIOD : 0);
  const quota = update.CpuQuota || (update.NanoCpus ? Math.round((update.NanoCpus * CPU_PERIOD) / 1e9) : 0);
  if (period || quota) {
    if (cg.version === 'v1') {
      if (period) writeLimit(cpu, 'cpu.cfs_period_us', period);
      if (quota) writeLimit(cpu, 'cpu.cfs_quota_us', quota);
    } else {
      writeLimit(cpu, 'cpu.max', `${quota || 'max'} ${period || CPU_PERIOD}`);
    }
  }
}
// #endregion apply-cgroup
