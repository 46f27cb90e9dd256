// container-store.ts — every container by id, and the names that point at them.
//
// A name is unique on the daemon: reserving it is the first thing create
// does, so two creates racing for one name cannot both win (moby's
// registrar). Lookups accept what users type: the full id, a unique prefix
// of it, or the name with or without its leading slash.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../../01-namespaces/index.js';
import { Container, type ContainerRecord } from './container.js';

// #region names
/** moby's rule for names (daemon/names/names.go). */
const VALID_NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export class ContainerStore {
  private readonly byId = new Map<string, Container>();
  private readonly names = new Map<string, string>();

  constructor(private readonly root: string) {}

  /** Claims `name` for `id`, or says who has it, in Docker's words. */
  reserve(name: string, id: string): void {
    if (!VALID_NAME.test(name)) throw new InvalidArgumentError(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    const bare = name.replace(/^\//, '');
    const holder = this.names.get(bare);
    if (holder !== undefined && holder !== id) {
      throw new ConflictError(
        `Conflict. The container name "/${bare}" is already in use by container "${holder}". You have to remove (or rename) that container to be able to reuse that name.`,
      );
    }
    this.names.set(bare, id);
  }

  release(name: string): void {
    this.names.delete(name.replace(/^\//, ''));
  }

  isTaken(name: string): boolean {
    return this.names.has(name);
  }
  // #endregion names

  // #region lookup
  add(container: Container): void {
    this.byId.set(container.id, container);
    this.names.set(container.name, container.id);
  }

  delete(container: Container): void {
    this.byId.delete(container.id);
    if (this.names.get(container.name) === container.id) this.names.delete(container.name);
  }

  all(): Container[] {
    return [...this.byId.values()];
  }

  /** By full id, name (with or without `/`), or unique id prefix — moby's order. */
  get(reference: string): Container {
    const exact = this.byId.get(reference) ?? this.byId.get(this.names.get(reference.replace(/^\//, '')) ?? '');
    if (exact) return exact;
    if (/^[0-9a-f]+$/.test(reference)) {
      const matches = this.all().filter((c) => c.id.startsWith(reference));
      if (matches.length === 1) return matches[0]!;
      if (matches.length > 1) throw new InvalidArgumentError(`multiple IDs found with provided prefix: ${reference}`);
    }
    throw new NotFoundError(`No such container: ${reference}`);
  }
  // #endregion lookup

  // #region restore
  /**
   * Reads every container record under the data root. Directories that
   * hold only chapter 02's container.json belong to `skiff-engine`: their
   * names are reserved, so a daemon container cannot take one.
   */
  load(): Container[] {
    const dir = join(this.root, 'containers');
    if (!existsSync(dir)) return [];
    const loaded: Container[] = [];
    for (const id of readdirSync(dir).filter((n) => /^[0-9a-f]{64}$/.test(n))) {
      const own = join(dir, id, 'config.v2.json');
      if (existsSync(own)) {
        const container = new Container(JSON.parse(readFileSync(own, 'utf8')) as ContainerRecord, join(dir, id));
        this.add(container);
        loaded.push(container);
        continue;
      }
      try {
        const engineRecord = JSON.parse(readFileSync(join(dir, id, 'container.json'), 'utf8')) as { name?: string };
        if (engineRecord.name) this.names.set(engineRecord.name, id);
      } catch {
        // half-made by a crashed engine: nothing to reserve
      }
    }
    return loaded;
  }
}
// #endregion restore
