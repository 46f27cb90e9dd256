// ipam.ts — address management: one pool per network, on disk, never an address twice.

import { existsSync, readFileSync } from 'node:fs';
import { writeAtomically } from '../atomic-write.js';
import { ConflictError, InvalidArgumentError } from '../errors.js';
import { contains, formatAddress, parseAddress, sizeOf, type Subnet } from './subnet.js';

// #region pool
/** What a pool file holds: the address each owner (an endpoint) was given. */
interface PoolFile {
  subnet: string;
  gateway: string;
  /** address → owner */
  allocated: Record<string, string>;
}

/**
 * A network's addresses. Every change is written (atomically: a temporary
 * file renamed over the old) before the address is handed out, so a daemon
 * killed at any moment restarts knowing every address it gave; the calls
 * are synchronous, so two allocations in one process never interleave.
 */
export class AddressPool {
  private constructor(private readonly file: string, private readonly subnet: Subnet, private readonly state: PoolFile) {}

  static open(file: string, subnet: Subnet, gateway: string): AddressPool {
    const state: PoolFile = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { subnet: '', gateway, allocated: {} };
    state.gateway = gateway;
    return new AddressPool(file, subnet, state);
  }
  // #endregion pool

  // #region allocate
  /**
   * The lowest free address, or `wanted` if it is free: never the network's
   * own address, its broadcast address or the gateway.
   */
  allocate(owner: string, wanted?: string): string {
    const taken = new Set(Object.keys(this.state.allocated));
    taken.add(this.state.gateway);
    if (wanted) {
      if (!contains(this.subnet, parseAddress(wanted))) throw new InvalidArgumentError(`no configured subnet contains IP address ${wanted}`);
      if (taken.has(wanted)) throw new ConflictError(`Address already in use: ${wanted}`);
      return this.take(wanted, owner);
    }
    const size = sizeOf(this.subnet);
    for (let i = 1; i < size - 1; i++) {
      const address = formatAddress(this.subnet.base + i);
      if (!taken.has(address)) return this.take(address, owner);
    }
    throw new ConflictError(`no available IPv4 addresses on this network's address pools: ${formatAddress(this.subnet.base)}/${this.subnet.prefix}`);
  }

  private take(address: string, owner: string): string {
    this.state.allocated[address] = owner;
    this.save();
    return address;
  }

  // #endregion allocate

  // #region release
  /** Frees every address `owner` holds. */
  release(owner: string): void {
    const before = Object.keys(this.state.allocated).length;
    for (const [address, who] of Object.entries(this.state.allocated)) if (who === owner) delete this.state.allocated[address];
    if (Object.keys(this.state.allocated).length !== before) this.save();
  }

  /** After a crash: frees what owners no longer alive held. */
  retain(alive: (owner: string) => boolean): void {
    for (const owner of new Set(Object.values(this.state.allocated))) if (!alive(owner)) this.release(owner);
  }

  private save(): void {
    writeAtomically(this.file, JSON.stringify(this.state));
  }
}
// #endregion release
