// volume-store.ts — the volumes on disk: `volumes/<name>/_data` and a record beside it.

import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { NotFoundError, writeAtomically } from '../../01-namespaces/index.js';

// #region volume-record
/** What `docker volume inspect` shows (moby's volume.Volume), less what is computed. */
export interface VolumeRecord {
  Name: string;
  CreatedAt: string;
  Labels: Record<string, string> | null;
  Options: Record<string, string> | null;
}

/** Docker marks the volumes it made for a container, rather than a user, with this label. */
export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';

/** Go's time.RFC3339 at a second's precision, as the local driver reports a volume's birth. */
const rfc3339 = (date: Date) => date.toISOString().replace(/\.\d+Z$/, 'Z');
// #endregion volume-record

// #region volume-store
/**
 * One directory per volume, laid out as Docker's local driver lays it
 * out, so chapter 02's anonymous volumes are volumes here too. The record
 * (`volume.json`) is written whole or not at all; a directory without one
 * — a volume chapter 02's engine made — is an anonymous volume born when
 * its directory was.
 */
export class VolumeStore {
  private readonly records = new Map<string, VolumeRecord>();

  /** `owner`: with --userns-remap, the remapped root, who must own what its containers write to. */
  constructor(readonly root: string, private readonly owner?: { uid: number; gid: number }) {
    mkdirSync(root, { recursive: true });
  }

  load(): void {
    for (const name of readdirSync(this.root)) {
      if (name.startsWith('.removing-')) rmSync(join(this.root, name), { recursive: true, force: true }); // a removal cut short
      if (name.startsWith('.')) continue;
      const file = join(this.root, name, 'volume.json');
      const record = existsSync(file)
        ? (JSON.parse(readFileSync(file, 'utf8')) as VolumeRecord)
        : { Name: name, CreatedAt: rfc3339(statSync(join(this.root, name)).mtime), Labels: { [ANONYMOUS_LABEL]: '' }, Options: null };
      this.records.set(name, record);
    }
  }
  // #endregion volume-store

  // #region volume-store-lookup
  mountpoint(name: string): string {
    return join(this.root, name, '_data');
  }

  get(name: string): VolumeRecord {
    const record = this.records.get(name);
    if (!record) throw new NotFoundError(`get ${name}: no such volume`);
    return record;
  }

  has(name: string): boolean {
    return this.records.has(name);
  }

  all(): VolumeRecord[] {
    return [...this.records.values()].sort((a, b) => a.Name.localeCompare(b.Name));
  }
  // #endregion volume-store-lookup

  // #region volume-store-changes
  /** Makes the directory, then the record: a crash in between leaves a volume without labels, never a record without data. */
  add(fields: Omit<VolumeRecord, 'CreatedAt' | 'Name'> & { Name?: string }): VolumeRecord {
    const record: VolumeRecord = { ...fields, Name: fields.Name || randomBytes(32).toString('hex'), CreatedAt: rfc3339(new Date()) };
    mkdirSync(this.mountpoint(record.Name), { recursive: true, mode: 0o755 });
    if (this.owner) chownSync(this.mountpoint(record.Name), this.owner.uid, this.owner.gid);
    writeAtomically(join(this.root, record.Name, 'volume.json'), JSON.stringify(record));
    this.records.set(record.Name, record);
    return record;
  }

  /** Renamed away first, then deleted: a half-deleted volume never looks like a whole one. */
  delete(name: string): void {
    const doomed = join(this.root, `.removing-${name}`);
    renameSync(join(this.root, name), doomed);
    this.records.delete(name);
    rmSync(doomed, { recursive: true, force: true });
  }
}
// #endregion volume-store-changes
