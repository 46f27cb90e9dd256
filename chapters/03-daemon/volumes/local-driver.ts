// local-driver.ts — Docker's `local` volume driver: which names and options it takes, and how its volumes are mounted.

import { InvalidArgumentError, NotFoundError, type MountSpec } from '../../01-namespaces/index.js';

// #region volume-name
/**
 * A local volume's name is a directory name under `volumes/`, so moby's
 * local driver allows `[a-zA-Z0-9][a-zA-Z0-9_.-]+` and nothing else:
 * no slash can climb out, and a leading `/` means a host path instead.
 */
export function checkVolumeName(name: string): void {
  if (name.length === 1) throw new InvalidArgumentError('volume name is too short, names should be at least two alphanumeric characters');
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(name)) {
    throw new InvalidArgumentError(
      `${JSON.stringify(name)} includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. ` +
        'If you intended to pass a host directory, use absolute path',
    );
  }
}

/** Only the built-in driver: any other name would be a plugin, and this daemon has none. */
export function checkDriver(driver: string | null | undefined): void {
  if (driver && driver !== 'local') throw new NotFoundError(`error looking up volume plugin ${driver}: plugin ${JSON.stringify(driver)} not found`);
}
// #endregion volume-name

// #region driver-options
/**
 * `-o type=…,device=…,o=…` are mount(8)'s `-t`, device and `-o`, as the
 * local driver passes them on. A type or mount options without a device
 * mean nothing, so they are refused; `size` needs filesystem quotas,
 * which this driver does not set up.
 */
export function checkOptions(options: Record<string, string>): void {
  for (const key of Object.keys(options)) {
    if (!['type', 'device', 'o', 'size'].includes(key)) throw new InvalidArgumentError(`invalid option: ${JSON.stringify(key)}`);
  }
  if ((options.type !== undefined || options.o !== undefined) && !options.device) {
    throw new InvalidArgumentError('missing required option: "device"');
  }
  if (options.size !== undefined) throw new InvalidArgumentError('quota size requested but no quota support');
}
// #endregion driver-options

// #region volume-mount
/**
 * How a container gets the volume at `destination`. Without options the
 * volume is its `_data` directory, bind-mounted. `o=bind` binds the
 * device (a host path); any other type is a filesystem of its own — a
 * tmpfs, say — mounted in the container's mount namespace at start, so it
 * lives as long as that container runs. (Docker mounts it once on the host
 * and shares it among the containers using the volume; here each one gets
 * its own, and nothing stays mounted on the host.)
 */
export function volumeMount(mountpoint: string, options: Record<string, string> | null, destination: string, readonly: boolean): MountSpec {
  const access = readonly ? 'ro' : 'rw';
  if (!options?.device) return { destination, type: 'bind', source: mountpoint, options: ['rbind', access] };
  const mountOptions = (options.o ?? '').split(',').filter(Boolean);
  if (mountOptions.includes('bind') || mountOptions.includes('rbind')) {
    return { destination, type: 'bind', source: options.device, options: ['rbind', access, ...mountOptions.filter((o) => !/^r?bind$/.test(o))] };
  }
  return { destination, type: options.type ?? 'none', source: options.device, options: [...mountOptions, access] };
}
// #endregion volume-mount
