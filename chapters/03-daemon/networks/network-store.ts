// network-store.ts — every network by id and name, one JSON file each, and the address pool of each bridge.

import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AddressPool, ConflictError, NotFoundError, parseSubnet, writeAtomically } from '../../01-namespaces/index.js';
import type { NetworkRecord } from './network-record.js';

// #region network-store
export class NetworkStore {
  private readonly byId = new Map<string, NetworkRecord>();
  private readonly pools = new Map<string, AddressPool>();

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json') && !f.endsWith('.ipam.json'))) {
      const record = JSON.parse(readFileSync(join(dir, file), 'utf8')) as NetworkRecord;
      this.byId.set(record.Id, record);
    }
  }

  all(): NetworkRecord[] {
    return [...this.byId.values()].sort((a, b) => a.Created.localeCompare(b.Created));
  }

  /** By full id, by name, then by a unique id prefix — moby's order (daemon/network.go FindNetwork). */
  find(ref: string): NetworkRecord {
    const exact = this.byId.get(ref) ?? this.all().find((n) => n.Name === ref);
    if (exact) return exact;
    const prefixed = ref ? this.all().filter((n) => n.Id.startsWith(ref)) : [];
    if (prefixed.length === 1) return prefixed[0]!;
    if (prefixed.length > 1) throw new ConflictError(`network ${ref} is ambiguous (${prefixed.length} matches found based on ID prefix)`);
    throw new NotFoundError(`network ${ref} not found`);
  }

  has(ref: string): boolean {
    return this.all().some((n) => n.Id === ref || n.Name === ref);
  }

  // #endregion network-store

  // #region network-store-changes
  add(fields: Omit<NetworkRecord, 'Id' | 'Created'>): NetworkRecord {
    if (this.has(fields.Name)) throw new ConflictError(`network with name ${fields.Name} already exists`);
    const record: NetworkRecord = { ...fields, Id: randomBytes(32).toString('hex'), Created: new Date().toISOString() };
    writeAtomically(join(this.dir, `${record.Id}.json`), JSON.stringify(record, null, 2));
    this.byId.set(record.Id, record);
    return record;
  }

  remove(record: NetworkRecord): void {
    this.byId.delete(record.Id);
    this.pools.delete(record.Id);
    rmSync(join(this.dir, `${record.Id}.json`), { force: true });
    rmSync(join(this.dir, `${record.Id}.ipam.json`), { force: true });
  }

  /** The bridge network's address pool, opened once from its file. */
  pool(record: NetworkRecord): AddressPool {
    let pool = this.pools.get(record.Id);
    if (!pool) {
      const { Subnet, Gateway } = record.IPAM.Config[0]!;
      pool = AddressPool.open(join(this.dir, `${record.Id}.ipam.json`), parseSubnet(Subnet), Gateway);
      this.pools.set(record.Id, pool);
    }
    return pool;
  }
}
// #endregion network-store-changes
