// cgroup-rare-limits.ts — block I/O, huge pages and network classes: the
// limits few containers ask for, applied where the host has the controller
// and refused, named, where it has not.

import { writeField } from './cgroup-files.js';
import { RuntimeError } from './errors.js';
import type { ResourcesSpec } from './spec.js';

type BlockIO = NonNullable<ResourcesSpec['blockIO']>;
type Version = 'v1' | 'v2';

// #region rare-refuse
/** The controller each field needs, by cgroup version; null where that version has none. */
function controllersWanted(version: Version, { blockIO, hugepageLimits, network }: ResourcesSpec): [string, string | null][] {
  const wanted: [string, string | null][] = [];
  if (blockIO && Object.keys(blockIO).length) wanted.push(['linux.resources.blockIO', version === 'v1' ? 'blkio' : 'io']);
  if (hugepageLimits?.length) wanted.push(['linux.resources.hugepageLimits', 'hugetlb']);
  // v2 has no net_cls or net_prio: a cgroup-bpf program would play their
  // part, which this runtime does not load (cgroup-v2.rst, "Deprecated v1 Core Features").
  if (network?.classID !== undefined) wanted.push(['linux.resources.network.classID', version === 'v1' ? 'net_cls' : null]);
  if (network?.priorities?.length) wanted.push(['linux.resources.network.priorities', version === 'v1' ? 'net_prio' : null]);
  return wanted;
}

/**
 * Before any directory is made: a field whose controller the host does not
 * offer (not mounted on v1, not in the root's cgroup.controllers on v2) is
 * refused with its name, rather than skipped.
 */
export function refuseMissingControllers(version: Version, available: readonly string[], resources: ResourcesSpec): void {
  for (const [field, controller] of controllersWanted(version, resources)) {
    if (controller === null) throw new RuntimeError(`config.json: ${field}: cgroup ${version} has no such controller`);
    if (!available.includes(controller)) throw new RuntimeError(`config.json: ${field}: this host's cgroup ${version} has no ${controller} controller`);
  }
}
// #endregion rare-refuse

// #region rare-apply
/** Writes the fields whose controller this hierarchy holds (v1: one of several; v2: all). */
export function applyRareLimits(version: Version, dir: string, controllers: readonly string[], { blockIO, hugepageLimits, network }: ResourcesSpec): void {
  const has = (c: string) => version === 'v2' || controllers.includes(c);
  if (blockIO && has('blkio')) (version === 'v1' ? applyBlkioV1 : applyIoV2)(dir, blockIO);
  if (hugepageLimits && has('hugetlb')) {
    for (const { pageSize, limit } of hugepageLimits) {
      const file = version === 'v1' ? `hugetlb.${pageSize}.limit_in_bytes` : `hugetlb.${pageSize}.max`;
      writeField(dir, file, limit, `linux.resources.hugepageLimits (${pageSize})`);
    }
  }
  if (version === 'v1' && network?.classID !== undefined && has('net_cls')) writeField(dir, 'net_cls.classid', network.classID, 'linux.resources.network.classID');
  if (version === 'v1' && has('net_prio')) {
    for (const { name, priority } of network?.priorities ?? []) writeField(dir, 'net_prio.ifpriomap', `${name} ${priority}`, 'linux.resources.network.priorities');
  }
}
// #endregion rare-apply

// #region blkio-v1
const THROTTLES = [
  ['throttleReadBpsDevice', 'read_bps', 'rbps'],
  ['throttleWriteBpsDevice', 'write_bps', 'wbps'],
  ['throttleReadIOPSDevice', 'read_iops', 'riops'],
  ['throttleWriteIOPSDevice', 'write_iops', 'wiops'],
] as const;

/**
 * cgroup-v1/blkio-controller.rst: weights are the proportional scheduler's
 * (CFQ once, BFQ now: where neither is in use the files are missing and
 * the field is refused), throttles "MAJOR:MINOR VALUE" lines, one per device.
 */
function applyBlkioV1(dir: string, io: BlockIO): void {
  const field = (name: string) => `linux.resources.blockIO.${name}`;
  if (io.weight !== undefined) writeField(dir, 'blkio.weight', io.weight, field('weight'));
  if (io.leafWeight !== undefined) writeField(dir, 'blkio.leaf_weight', io.leafWeight, field('leafWeight'));
  for (const d of io.weightDevice ?? []) {
    if (d.weight !== undefined) writeField(dir, 'blkio.weight_device', `${d.major}:${d.minor} ${d.weight}`, field('weightDevice'));
    if (d.leafWeight !== undefined) writeField(dir, 'blkio.leaf_weight_device', `${d.major}:${d.minor} ${d.leafWeight}`, field('weightDevice'));
  }
  for (const [key, file] of THROTTLES) {
    for (const d of io[key] ?? []) writeField(dir, `blkio.throttle.${file}_device`, `${d.major}:${d.minor} ${d.rate}`, field(key));
  }
}
// #endregion blkio-v1

// #region io-v2
/** v1's weights run 10..1000, v2's 1..10000: the linear map runc uses. */
const ioWeight = (blkio: number) => Math.round(1 + ((blkio - 10) * 9999) / 990);

/** cgroup-v2.rst, "IO": io.weight ("default N" or "MAJ:MIN N") and io.max ("MAJ:MIN rbps=N …"). */
function applyIoV2(dir: string, io: BlockIO): void {
  const field = (name: string) => `linux.resources.blockIO.${name}`;
  if (io.leafWeight !== undefined || io.weightDevice?.some((d) => d.leafWeight !== undefined)) {
    throw new RuntimeError(`config.json: ${field('leafWeight')}: cgroup v2 has no leaf weights`);
  }
  if (io.weight !== undefined) writeField(dir, 'io.weight', `default ${ioWeight(io.weight)}`, field('weight'));
  for (const d of io.weightDevice ?? []) {
    if (d.weight !== undefined) writeField(dir, 'io.weight', `${d.major}:${d.minor} ${ioWeight(d.weight)}`, field('weightDevice'));
  }
  for (const [key, , v2Key] of THROTTLES) {
    for (const d of io[key] ?? []) writeField(dir, 'io.max', `${d.major}:${d.minor} ${v2Key}=${d.rate}`, field(key));
  }
}
// #endregion io-v2
