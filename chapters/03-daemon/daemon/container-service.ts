// container-service.ts — the container routes' backend.
//
// moby spreads these over daemon/create.go, delete.go, rename.go, wait.go…;
// here they are the methods of one service over the container store, each
// publishing its event.

import { ConflictError, InvalidArgumentError } from '../../01-namespaces/index.js';
import type { ContainerBackend, Filters, WaitCondition, WaitResult } from '../api/index.js';
import type { Container } from './container.js';
import { inspectView, summaryView } from './container-views.js';
import { createContainer, type CreateContext } from './create.js';
import { listContainers } from './list.js';

// #region container-service
export class ContainerService implements ContainerBackend {
  constructor(private readonly daemon: CreateContext) {}

  async containerCreate(body: unknown, name: string | null): Promise<{ Id: string; Warnings: string[] }> {
    const container = await createContainer(this.daemon, body, name);
    return { Id: container.id, Warnings: [] };
  }

  containerInspect(ref: string): Record<string, unknown> {
    return inspectView(this.daemon.containers.get(ref));
  }

  async containers(options: { all: boolean; limit: number; size: boolean; filters: Filters }): Promise<Record<string, unknown>[]> {
    const images = await this.daemon.engine.images.list();
    const imageIdOf = (ref: string) => images.find((i) => i.name && (i.name === ref || i.name.endsWith(`/${ref}`) || i.name.endsWith(`/${ref}:latest`)))?.id;
    return listContainers(this.daemon.containers.all(), { ...options, imageIdOf }).map((c) => summaryView(c, options.size ? 0 : undefined));
  }
  // #endregion container-service

  // #region remove
  /** `docker rm`: a running container only with force; then chapter 02 removes its layer and directory. */
  async containerRm(ref: string, { force, removeVolumes }: { force: boolean; removeVolumes: boolean }): Promise<void> {
    const container = this.daemon.containers.get(ref);
    if (container.state.Running && !force) {
      throw new ConflictError(`cannot remove container "${container.record.Name}": container is running: stop the container before removing or force remove`);
    }
    if (container.removing) throw new ConflictError(`removal of container ${container.name} is already in progress`);
    container.removing = true;
    try {
      await this.destroy(container, removeVolumes);
    } finally {
      container.removing = false;
    }
  }

  /** Everything of a container goes, then whoever waited for `removed` hears of it. */
  async destroy(container: Container, removeVolumes: boolean): Promise<void> {
    container.state.Status = 'removing';
    await this.daemon.engine.containers.remove(container.id, { force: true, volumes: removeVolumes });
    this.daemon.containers.delete(container);
    this.daemon.events.log('container', 'destroy', container.id, { image: container.record.Config.Image, name: container.name, ...container.record.Config.Labels });
    container.waiters.removed({ StatusCode: container.state.ExitCode, Error: null });
  }

  async containersPrune(filters: Filters): Promise<{ ContainersDeleted: string[]; SpaceReclaimed: number }> {
    for (const key of filters.keys()) if (key !== 'label' && key !== 'until') throw new InvalidArgumentError(`invalid filter '${key}'`);
    const deleted: string[] = [];
    const stopped = listContainers(this.daemon.containers.all(), { all: true, limit: 0, filters: new Map([['label', filters.get('label') ?? []]]), imageIdOf: () => undefined })
      .filter((c) => !c.state.Running && !c.removing);
    for (const c of stopped) {
      await this.destroy(c, false);
      deleted.push(c.id);
    }
    this.daemon.events.log('container', 'prune', '', { reclaimed: '0' });
    return { ContainersDeleted: deleted, SpaceReclaimed: 0 };
  }
  // #endregion remove

  // #region rename
  containerRename(ref: string, newName: string): void {
    const container = this.daemon.containers.get(ref);
    const oldName = container.name;
    const name = newName.replace(/^\//, '');
    if (!name) throw new InvalidArgumentError('Neither old nor new names may be empty');
    if (name === oldName) throw new InvalidArgumentError('Renaming a container with the same name as its current name');
    this.daemon.containers.reserve(name, container.id);
    this.daemon.containers.release(oldName);
    container.record.Name = `/${name}`;
    container.save();
    this.daemon.events.log('container', 'rename', container.id, { name, oldName: `/${oldName}` });
  }
  // #endregion rename

  // #region wait
  /**
   * `not-running` answers at once for a container that is not running;
   * `next-exit` waits for the next exit even of a created container;
   * `removed` waits until AutoRemove or `docker rm` has deleted it.
   */
  containerWait(ref: string, condition: WaitCondition): { result: Promise<WaitResult> } {
    const container = this.daemon.containers.get(ref);
    if (condition === 'not-running' && !container.state.Running) {
      return { result: Promise.resolve({ StatusCode: container.state.ExitCode, Error: null }) };
    }
    return { result: container.waiters.next(condition === 'removed' ? 'removed' : 'next-exit') };
  }
}
// #endregion wait
