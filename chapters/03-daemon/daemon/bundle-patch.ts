// bundle-patch.ts — what chapter 02's spec does not carry, written into config.json.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomically, type Spec } from '../../01-namespaces/index.js';
import type { HostConfig } from '../api/index.js';
import type { IdMap } from '../../02-images/index.js';
import { applySecurity, type Security } from './security.js';
import { applyUserns } from './userns-mode.js';
import { orderMounts, type runtimeMounts } from '../volumes/index.js';

// #region bundle-patch
interface BundleExtras { security?: Security; mounts?: ReturnType<typeof runtimeMounts>; userns?: IdMap }

const CPU_PERIOD = 100_000; // µs: the kernel's default CFS period (Documentation/scheduler/sched-bwc.rst)

/**
 * `security`: decided once, at create (an update leaves it as it was).
 * `mounts`: what chapter 02's binds cannot say — tmpfs, a volume on a device — put in order among them.
 * `userns`: the maps of the container's own user namespace (--userns-remap), if it has one.
 */
export function patchBundle(bundle: string, hc: HostConfig, network: string, extras: BundleExtras = {}): void {
  const { security, mounts, userns } = extras;
  const path = join(bundle, 'config.json');
  const spec = JSON.parse(readFileSync(path, 'utf8')) as Spec;
  const linux = (spec.linux ??= {});
  const resources = (linux.resources ??= {});
  const memory = hc.Memory ?? 0;
  if (memory > 0) {
    // MemorySwap is memory *plus* swap; 0 means "as much swap as memory" (Docker's default).
    const swap = (hc.MemorySwap ?? 0) > 0 ? hc.MemorySwap! : memory * 2;
    resources.memory = { ...(resources.memory ?? {}), limit: memory, swap };
  }
  const cpu: NonNullable<typeof resources.cpu> = {};
  if (hc.CpuShares) cpu.shares = hc.CpuShares;
  if (hc.NanoCpus) Object.assign(cpu, { period: CPU_PERIOD, quota: Math.round((hc.NanoCpus * CPU_PERIOD) / 1e9) });
  if (hc.CpuPeriod) cpu.period = hc.CpuPeriod;
  if (hc.CpuQuota) cpu.quota = hc.CpuQuota;
  if (Object.keys(cpu).length) resources.cpu = cpu;
  // --pids-limit: a number, or 0 and -1 for "no limit".
  if (hc.PidsLimit !== undefined && hc.PidsLimit !== null) {
    if (hc.PidsLimit > 0) resources.pids = { limit: hc.PidsLimit };
    else delete resources.pids;
  }
  // #endregion bundle-patch
  // #region bundle-patch-isolation
  if (hc.ReadonlyRootfs) spec.root.readonly = true;
  if (security) applySecurity(spec, security);
  // The primary group is a supplementary group too, as runc's user lookup
  // makes it: `id` in a Docker container says `groups=0(root)`.
  const user = spec.process.user;
  if (user) user.additionalGids = primaryFirst(user.gid, user.additionalGids);
  if (mounts) spec.mounts = orderMounts(spec.mounts ?? [], mounts);
  if (userns) applyUserns(spec, userns);
  if (network === 'host') linux.namespaces = (linux.namespaces ?? []).filter((ns) => ns.type !== 'network');
  writeAtomically(path, JSON.stringify(spec, null, 2));
}

export function primaryFirst(gid: number, additional: number[] = []): number[] {
  return [gid, ...additional.filter((g) => g !== gid)];
}
// #endregion bundle-patch-isolation
