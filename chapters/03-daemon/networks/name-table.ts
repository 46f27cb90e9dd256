// name-table.ts — the names the containers' DNS servers answer: each container's, on each network it is on.

// #region name-table
interface Entry {
  owner: string;
  network: string;
  names: string[];
  address: string;
}

/**
 * One table for every container's DNS server: a container on two networks
 * finds the containers of both, as with Docker's resolver. Each server
 * knows whose it is, so the asker is known without looking at addresses.
 */
export class NameTable {
  private entries: Entry[] = [];
  private readonly forwarders = new Map<string, string[]>();

  register(owner: string, network: string, names: string[], address: string, forwarders: string[]): void {
    this.drop(owner, network);
    this.entries.push({ owner, network, names: names.map((n) => n.toLowerCase()), address });
    this.forwarders.set(owner, forwarders);
  }

  drop(owner: string, network: string): void {
    this.entries = this.entries.filter((e) => !(e.owner === owner && e.network === network));
    if (!this.entries.some((e) => e.owner === owner)) this.forwarders.delete(owner);
  }

  // #endregion name-table

  // #region name-lookup
  /** The addresses of `name` on the networks the asker shares with it; undefined if none of them knows it. */
  lookup(asker: string, name: string): string[] | undefined {
    const networks = new Set(this.entries.filter((e) => e.owner === asker).map((e) => e.network));
    const found = this.entries.filter((e) => networks.has(e.network) && e.names.includes(name)).map((e) => e.address);
    return found.length ? [...new Set(found)] : undefined;
  }

  /** The asker's `--dns` servers, where names no network knows are sent. */
  forwardersOf(asker: string): string[] {
    return this.forwarders.get(asker) ?? [];
  }
}
// #endregion name-lookup
