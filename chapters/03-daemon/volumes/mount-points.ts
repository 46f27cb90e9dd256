// mount-points.ts — `-v`, `--mount`, `--tmpfs`, `--volumes-from` and the image's VOLUMEs, as one list of mount points.

import { existsSync } from 'node:fs';
import { posix } from 'node:path';
import { InvalidArgumentError } from '../../01-namespaces/index.js';
import type { HostConfig } from '../api/index.js';
import { checkVolumeName } from './local-driver.js';
import type { VolumeRecord } from './volume-store.js';

// #region mount-point
/** One entry of `docker inspect`'s Mounts (moby's types.MountPoint). */
export interface MountPoint {
  Type: 'bind' | 'volume' | 'tmpfs';
  /** The volume's name (Type volume). */
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
  /** The volume is not filled with the image's files (`nocopy`); not shown by inspect. */
  NoCopy?: boolean;
}

/** Where the volumes a container asks for come from: the daemon's volume service. */
export interface VolumeSource {
  /** The named volume, made on first use as `docker run -v name:/x` makes it. */
  ensure(name: string, request?: { Driver?: string | null; DriverOpts?: Record<string, string> | null; Labels?: Record<string, string> | null }): VolumeRecord;
  /** A new volume for this container alone, named by 64 random hex digits. */
  anonymous(): VolumeRecord;
  mountpoint(name: string): string;
}

/** What a mount request may name besides its volume: the mount points of another container (`--volumes-from`). */
export interface MountContext {
  volumes: VolumeSource;
  mountsOf(container: string): MountPoint[];
}

const absolute = (type: string, path: string) => {
  if (!posix.isAbsolute(path)) throw new InvalidArgumentError(`invalid mount config for type "${type}": invalid mount path: '${path}' mount path must be absolute`);
  return posix.normalize(path);
};
// #endregion mount-point

// #region plan-mounts
/**
 * moby's registerMountPoints, in its order: what `--volumes-from` brings
 * first, then `-v` and `--mount` (which may replace it, but not each
 * other), then a volume for each image VOLUME nothing else covers.
 */
export function planMounts(ctx: MountContext, hc: HostConfig, imageVolumes: Record<string, unknown> | null | undefined): MountPoint[] {
  const byPath = new Map<string, MountPoint>();
  for (const spec of hc.VolumesFrom ?? []) for (const point of volumesFrom(ctx, spec)) byPath.set(point.Destination, point);
  const claimed = new Set<string>();
  const claim = (path: string) => {
    if (claimed.has(path)) throw new InvalidArgumentError(`Duplicate mount point: ${path}`);
    claimed.add(path);
  };
  for (const point of [...(hc.Binds ?? []).map((b) => fromBind(ctx, b)), ...(hc.Mounts ?? []).map((m) => fromMount(ctx, m))]) {
    claim(point.Destination);
    byPath.set(point.Destination, point);
  }
  for (const path of Object.keys(hc.Tmpfs ?? {})) {
    if (!posix.isAbsolute(path)) throw new InvalidArgumentError(`invalid mount path: '${path}' mount path must be absolute`);
    claim(posix.normalize(path));
  }
  for (const path of Object.keys(imageVolumes ?? {}).map((p) => posix.normalize(posix.join('/', p))).sort()) {
    if (!byPath.has(path) && !claimed.has(path)) byPath.set(path, volumePoint(ctx, ctx.volumes.anonymous(), path, '', true));
  }
  return [...byPath.values()];
}
// #endregion plan-mounts

// #region volume-point
function volumePoint(ctx: MountContext, volume: VolumeRecord, destination: string, mode: string, rw: boolean, noCopy = false): MountPoint {
  return {
    Type: 'volume', Name: volume.Name, Source: ctx.volumes.mountpoint(volume.Name), Destination: destination,
    Driver: 'local', Mode: mode, RW: rw, Propagation: '', ...(noCopy ? { NoCopy: true } : {}),
  };
}

/** A named volume: its name checked as the local driver checks it, then made if missing. */
function named(ctx: MountContext, name: string, request?: Parameters<VolumeSource['ensure']>[1]): VolumeRecord {
  try {
    checkVolumeName(name);
    return ctx.volumes.ensure(name, request);
  } catch (err) {
    if (err instanceof Error && !err.message.startsWith('create ')) err.message = `create ${name}: ${err.message}`;
    throw err;
  }
}
// #endregion volume-point

// #region from-bind
const MODES = ['ro', 'rw', 'z', 'Z', 'nocopy', 'private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave', 'consistent', 'cached', 'delegated'];

/** `-v /dst` (an anonymous volume), `-v name:/dst[:mode]` (a named one), `-v /host:/dst[:mode]` (a bind). */
function fromBind(ctx: MountContext, bind: string): MountPoint {
  const parts = bind.split(':');
  if (parts.length > 3 || parts.some((p) => p === '')) throw new InvalidArgumentError(`invalid volume specification: '${bind}'`);
  const inSpec = (type: string, path: string) => {
    try {
      return absolute(type, path);
    } catch (err) {
      throw new InvalidArgumentError(`invalid volume specification: '${bind}': ${(err as Error).message}`);
    }
  };
  if (parts.length === 1) return volumePoint(ctx, ctx.volumes.anonymous(), inSpec('volume', parts[0]!), '', true);
  const [source = '', target = '', mode = ''] = parts;
  const modes = mode ? mode.split(',') : [];
  if (modes.some((m) => !MODES.includes(m))) throw new InvalidArgumentError(`invalid mode: ${mode}`);
  const rw = !modes.includes('ro');
  if (source.startsWith('/')) {
    const destination = inSpec('bind', target);
    return { Type: 'bind', Source: source, Destination: destination, Mode: mode, RW: rw, Propagation: 'rprivate' };
  }
  const destination = inSpec('volume', target);
  return volumePoint(ctx, named(ctx, source), destination, mode || 'z', rw, modes.includes('nocopy'));
}
// #endregion from-bind

// #region from-mount
type MountRequest = NonNullable<HostConfig['Mounts']>[number];

/** `--mount type=bind|volume|tmpfs,…`: each type checks the fields it takes, in moby's words. */
function fromMount(ctx: MountContext, m: MountRequest): MountPoint {
  const type = m.Type ?? '';
  const invalid = (why: string) => new InvalidArgumentError(`invalid mount config for type "${type}": ${why}`);
  if (!['bind', 'volume', 'tmpfs'].includes(type)) throw invalid('mount type unknown');
  const destination = absolute(type, m.Target ?? '');
  const rw = !m.ReadOnly;
  if (type === 'tmpfs') {
    if (m.Source) throw invalid('field Source must not be specified');
    return { Type: 'tmpfs', Source: '', Destination: destination, Mode: '', RW: rw, Propagation: '' };
  }
  if (type === 'bind') {
    if (!m.Source) throw invalid('field Source must not be empty');
    if (!existsSync(m.Source)) throw invalid(`bind source path does not exist: ${m.Source}`);
    return { Type: 'bind', Source: m.Source, Destination: destination, Mode: '', RW: rw, Propagation: m.BindOptions?.Propagation || 'rprivate' };
  }
  const options = m.VolumeOptions ?? {};
  const volume = m.Source
    ? named(ctx, m.Source, { Driver: options.DriverConfig?.Name, DriverOpts: options.DriverConfig?.Options, Labels: options.Labels })
    : ctx.volumes.anonymous();
  return volumePoint(ctx, volume, destination, '', rw, !!options.NoCopy);
}
// #endregion from-mount

// #region volumes-from
/** `--volumes-from NAME[:ro|:rw]`: another container's mount points, read-only or writable as asked, as they are if not. */
function volumesFrom(ctx: MountContext, spec: string): MountPoint[] {
  const [container = '', mode = '', ...rest] = spec.split(':');
  if (rest.length > 0 || (mode && !['ro', 'rw'].includes(mode))) throw new InvalidArgumentError(`invalid mode: ${mode || spec}`);
  return ctx.mountsOf(container).map((point) => ({ ...point, RW: mode ? mode === 'rw' : point.RW }));
}
// #endregion volumes-from
