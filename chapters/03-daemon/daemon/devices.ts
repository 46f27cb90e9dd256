// devices.ts — host device nodes in a container: --device, and all of them for --privileged.

import { lstatSync, readdirSync, type BigIntStats } from 'node:fs';
import { join, posix } from 'node:path';
import { InvalidArgumentError, type DeviceSpec, type Spec } from '../../01-namespaces/index.js';

// #region device-of
/** major(3)/minor(3) of glibc: a dev_t splits its 12-bit major and 20-bit minor across both halves. */
const major = (rdev: bigint) => Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
const minor = (rdev: bigint) => Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));

/** A node as config.json's linux.devices describes it, or nothing for a file that is not a device. */
function deviceOf(path: string, stats: BigIntStats, inContainer: string): DeviceSpec | undefined {
  const type = stats.isCharacterDevice() ? 'c' : stats.isBlockDevice() ? 'b' : undefined;
  if (!type) return undefined;
  return { type, path: inContainer, major: major(stats.rdev), minor: minor(stats.rdev), fileMode: Number(stats.mode & 0o7777n), uid: Number(stats.uid), gid: Number(stats.gid) };
}
// #endregion device-of

// #region host-devices
/** Directories of /dev that are not devices of the host (runc's HostDevices skips the same). */
const SKIPPED = new Set(['pts', 'shm', 'fd', 'mqueue', '.lxc', '.lxd-mounts', '.udev']);

/** Every device node under `dir`, kept at the same path inside `target`; /dev/console is the container's own. */
function devicesUnder(dir: string, target: string): DeviceSpec[] {
  const found: DeviceSpec[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const inside = posix.join(target, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED.has(entry.name)) found.push(...devicesUnder(path, inside));
    } else if (path !== '/dev/console') {
      const device = deviceOf(path, lstatSync(path, { bigint: true }), inside);
      if (device) found.push(device);
    }
  }
  return found;
}

/** --privileged: all the host's devices. */
export const hostDevices = (): DeviceSpec[] => devicesUnder('/dev', '/dev');
// #endregion host-devices

// #region device-flag
export interface DeviceMapping { PathOnHost?: string; PathInContainer?: string; CgroupPermissions?: string }

/**
 * `--device /dev/x[:/dev/y[:rwm]]`: a node, or every node below a
 * directory. The runtime lets the container read, write and make each node
 * it lists (rwm), so a narrower permission is refused rather than widened.
 */
export function mappedDevices(mappings: readonly DeviceMapping[]): DeviceSpec[] {
  return mappings.flatMap(({ PathOnHost: host = '', PathInContainer: inside, CgroupPermissions: perms }) => {
    if (perms && perms !== 'rwm') throw new InvalidArgumentError(`device permissions ${JSON.stringify(perms)} for ${host} are not supported by this daemon: a device is readable, writable and creatable (rwm)`);
    let stats: BigIntStats;
    try {
      stats = lstatSync(host, { bigint: true });
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message;
      throw new InvalidArgumentError(`error gathering device information while adding custom device ${JSON.stringify(host)}: ${why}`);
    }
    if (stats.isDirectory()) return devicesUnder(host, inside || host);
    const device = deviceOf(host, stats, inside || host);
    if (!device) throw new InvalidArgumentError(`error gathering device information while adding custom device ${JSON.stringify(host)}: not a device node`);
    return [device];
  });
}
// #endregion device-flag

// #region device-cgroup-rule
type DeviceRule = NonNullable<NonNullable<NonNullable<Spec['linux']>['resources']>['devices']>[number];

/**
 * `--device-cgroup-rule 'c 10:237 rwm'`: a line for the devices cgroup
 * itself (kernel docs, cgroup-v1/devices.rst) — no node is made, the
 * container may make it with mknod and then open it.
 */
export function deviceCgroupRules(rules: readonly string[]): DeviceRule[] {
  return rules.map((rule) => {
    const m = /^([acb]) ([0-9]+|\*):([0-9]+|\*) ([rwm]{1,3})$/.exec(rule);
    if (!m) throw new InvalidArgumentError(`invalid device cgroup rule format: '${rule}'`);
    const number = (n: string) => (n === '*' ? undefined : Number(n));
    return { allow: true, type: m[1] as 'a' | 'c' | 'b', major: number(m[2]!), minor: number(m[3]!), access: m[4] };
  });
}
// #endregion device-cgroup-rule
