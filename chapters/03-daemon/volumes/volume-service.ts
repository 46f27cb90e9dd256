// volume-service.ts — the volume API's backend: create, list, inspect, remove, prune, and who uses what.

import { ConflictError, InvalidArgumentError } from '../../01-namespaces/index.js';
import type { Filters, VolumeBackend, VolumeCreateBody, VolumeView } from '../api/index.js';
import { bytesUnder } from './disk-usage.js';
import { checkDriver, checkOptions, checkVolumeName } from './local-driver.js';
import type { VolumeSource } from './mount-points.js';
import { ANONYMOUS_LABEL, VolumeStore, type VolumeRecord } from './volume-store.js';

// #region volume-service
/** What the service tells the daemon's event bus: `volume create`, `volume destroy`. */
export type VolumeEvents = (action: 'create' | 'destroy', name: string) => void;

export class VolumeService implements VolumeBackend, VolumeSource {
  constructor(
    readonly store: VolumeStore,
    /** The ids of the containers whose mount points name the volume, whatever their state. */
    private readonly usersOf: (name: string) => string[],
    private readonly event: VolumeEvents,
  ) {}

  view(record: VolumeRecord, usage = false): VolumeView {
    const mountpoint = this.store.mountpoint(record.Name);
    return {
      CreatedAt: record.CreatedAt, Driver: 'local', Labels: record.Labels, Mountpoint: mountpoint, Name: record.Name,
      Options: record.Options, Scope: 'local',
      ...(usage ? { UsageData: { Size: bytesUnder(mountpoint), RefCount: this.usersOf(record.Name).length } } : {}),
    };
  }

  volumeInspect(name: string): VolumeView {
    return this.view(this.store.get(name));
  }

  mountpoint(name: string): string {
    return this.store.mountpoint(name);
  }

  optionsOf(name: string): Record<string, string> | null {
    return this.store.has(name) ? this.store.get(name).Options : null;
  }
  // #endregion volume-service

  // #region volume-create
  /** Every mistake is worded `create NAME: …`, as the local driver words it. */
  volumeCreate(body: VolumeCreateBody): VolumeView {
    const name = body.Name ?? '';
    try {
      if (name) checkVolumeName(name);
      checkDriver(body.Driver);
      checkOptions(body.DriverOpts ?? {});
    } catch (err) {
      (err as Error).message = `create ${name}: ${(err as Error).message}`;
      throw err;
    }
    return this.view(this.ensure(name, body));
  }

  ensure(name: string, request: Parameters<VolumeSource['ensure']>[1] = {}): VolumeRecord {
    if (name && this.store.has(name)) return this.store.get(name);
    checkDriver(request.Driver);
    checkOptions(request.DriverOpts ?? {});
    const empty = (x?: Record<string, string> | null) => (x && Object.keys(x).length ? x : null);
    const record = this.store.add({ Name: name, Labels: empty(request.Labels), Options: empty(request.DriverOpts) });
    this.event('create', record.Name);
    return record;
  }

  anonymous(): VolumeRecord {
    const record = this.store.add({ Labels: { [ANONYMOUS_LABEL]: '' }, Options: null });
    this.event('create', record.Name);
    return record;
  }
  // #endregion volume-create

  // #region volume-remove
  volumeRm(name: string, force: boolean): void {
    if (force && !this.store.has(name)) return;
    this.store.get(name);
    const users = this.usersOf(name);
    if (users.length > 0) throw new ConflictError(`remove ${name}: volume is in use - [${users.join(', ')}]`);
    this.store.delete(name);
    this.event('destroy', name);
  }

  /**
   * `rm -v` and `run --rm`: the container's anonymous volumes go with it,
   * unless another container (one made with `--volumes-from`) still uses one.
   * Named volumes always stay.
   */
  removeAnonymous(names: readonly string[]): void {
    for (const name of names) {
      if (!this.store.has(name) || !(ANONYMOUS_LABEL in (this.store.get(name).Labels ?? {}))) continue;
      if (this.usersOf(name).length === 0) this.volumeRm(name, true);
    }
  }
  // #endregion volume-remove

  // #region volume-list
  volumesList(filters: Filters): VolumeView[] {
    checkFilters(filters, ['dangling', 'driver', 'label', 'name']);
    const dangling = filters.get('dangling');
    if (dangling && (dangling.length !== 1 || !['true', 'false', '1', '0'].includes(dangling[0]!))) {
      throw new InvalidArgumentError(`Invalid filter 'dangling=[${dangling.join(' ')}]'`);
    }
    return this.store.all().filter((r) =>
      (!dangling || (this.usersOf(r.Name).length === 0) === ['true', '1'].includes(dangling[0]!)) &&
      (filters.get('name') ?? []).every((n) => r.Name.includes(n)) &&
      (filters.get('driver') ?? []).every((d) => d === 'local') &&
      labelsMatch(r.Labels, filters.get('label') ?? [])).map((r) => this.view(r));
  }

  volumesPrune(filters: Filters): { VolumesDeleted: string[]; SpaceReclaimed: number } {
    checkFilters(filters, ['label', 'label!', 'all']);
    const all = (filters.get('all') ?? []).some((v) => ['true', '1'].includes(v));
    const doomed = this.store.all().filter((r) =>
      this.usersOf(r.Name).length === 0 && (all || ANONYMOUS_LABEL in (r.Labels ?? {})) &&
      labelsMatch(r.Labels, filters.get('label') ?? []) && (filters.get('label!') ?? []).every((l) => !labelsMatch(r.Labels, [l])));
    let space = 0;
    for (const r of doomed) {
      space += bytesUnder(this.store.mountpoint(r.Name));
      this.volumeRm(r.Name, true);
    }
    return { VolumesDeleted: doomed.map((r) => r.Name), SpaceReclaimed: space };
  }
}

/** moby's filter check for volumes, in its capitalised wording. */
function checkFilters(filters: Filters, accepted: string[]): void {
  for (const key of filters.keys()) if (!accepted.includes(key)) throw new InvalidArgumentError(`Invalid filter '${key}'`);
}

/** `label=KEY` asks for the key, `label=KEY=VALUE` for the pair; every one given must hold. */
function labelsMatch(labels: Record<string, string> | null, wanted: string[]): boolean {
  return wanted.every((w) => {
    const at = w.indexOf('=');
    return at < 0 ? w in (labels ?? {}) : labels?.[w.slice(0, at)] === w.slice(at + 1);
  });
}
// #endregion volume-list
