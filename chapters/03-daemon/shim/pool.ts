// pool.ts — shims started before their containers are known.
//
// A cold start of a container through a shim pays for two fresh Node
// processes before the program runs: the shim, and the init it spawns.
// A warm shim has paid both already: it is running, its init is waiting
// on fd 3, and it is waiting for its owner — the pool — to say what the
// container is. Taking one is a connection handed over; refilling is done
// in the background, after the container it served has been created, so
// that the refill's Node start-up does not compete with that creation for
// the CPU. When containers come faster than the pool refills, the next one
// waits for the shim that is booting — never for a second, later one.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ControlConnection } from './connection.js';
import { launchShim } from './launch.js';

// #region pool
export interface ShimPoolOptions {
  /** Where warm shims listen until they are given a container (e.g. <exec-root>/shims/.warm). */
  dir: string;
  /** How many shims to keep warm; 2 by default. */
  size?: number;
}

export class ShimPool {
  private readonly ready: ControlConnection[] = [];
  private readonly waiting: ((shim: ControlConnection | undefined) => void)[] = [];
  private booting = 0;
  private launched = 0;
  private closed = false;
  readonly size: number;
  readonly dir: string;

  constructor({ dir, size = 2 }: ShimPoolOptions) {
    this.dir = dir;
    this.size = size;
    mkdirSync(dir, { recursive: true });
    this.refill();
  }

  /** How many shims are warm right now. */
  get available(): number {
    return this.ready.length;
  }

  /** Starts shims until `size` are ready or booting. */
  refill(): void {
    while (!this.closed && this.ready.length + this.booting < Math.max(this.size, this.waiting.length)) this.boot();
  }

  // #endregion pool

  // #region pool-boot
  private boot(): void {
    this.booting++;
    const socketPath = join(this.dir, `warm-${process.pid}-${++this.launched}.sock`);
    // A spare boots in the background; one that someone may soon wait for, at full speed.
    launchShim(socketPath, { background: this.ready.length > 0 }).then(
      (shim) => {
        this.booting--;
        if (this.closed) return shim.close();
        shim.hold(false); // a warm shim must not keep the daemon's process alive
        void shim.closed.then(() => {
          const index = this.ready.indexOf(shim);
          if (index >= 0) this.ready.splice(index, 1); // it died while it waited
        });
        const waiter = this.waiting.shift();
        if (waiter) waiter(shim);
        else this.ready.push(shim);
      },
      () => {
        // Could not start one (no Node? a full disk?): whoever waits goes the cold way and sees why.
        this.booting--;
        this.waiting.shift()?.(undefined);
      },
    );
  }

  // #endregion pool-boot

  // #region pool-take
  /** A warm shim, or the next to be ready; undefined if the pool cannot provide one. */
  take(): Promise<ControlConnection | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    const shim = this.ready.shift();
    if (shim) return Promise.resolve(shim);
    const next = new Promise<ControlConnection | undefined>((resolve) => this.waiting.push(resolve));
    this.refill();
    return next;
  }

  /** Lets the warm shims go: each exits, with its init, once its owner's connection is gone. */
  close(): void {
    this.closed = true;
    for (const shim of this.ready.splice(0)) shim.close();
    for (const waiter of this.waiting.splice(0)) waiter(undefined);
  }
}
// #endregion pool-take
