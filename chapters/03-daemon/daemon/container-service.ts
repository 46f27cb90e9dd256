// container-service.ts — the container routes' backend.

import { ConflictError, InvalidArgumentError, NotFoundError, pause, resume } from '../../01-namespaces/index.js';
import {
  NotModifiedError,
  type AttachConfig, type ClientStreams, type CommitOptions, type Filters, type FullContainerBackend, type LogMessage, type LogsOptions, type PathStat,
  type WaitCondition, type WaitResult,
} from '../api/index.js';
import type { Readable, Writable } from 'node:stream';
import { archivePath, exportContainer, extractToDir, statPath } from './archive.js';
import { AttachSession } from './attach.js';
import { containerChanges } from './changes.js';
import { commitContainer } from './commit.js';
import type { Container } from './container.js';
import { inspectView, summaryView } from './container-views.js';
import type { DaemonContext } from './context.js';
import { createContainer } from './create.js';
import type { ExecService } from './exec.js';
import { listContainers } from './list.js';
import { containerLogs } from './logs.js';
import { destroy, removeContainer } from './remove.js';
import { containerSize } from './size.js';
import { startContainer } from './start.js';
import { containerStats } from './stats.js';
import { killContainer, stopContainer } from './stop.js';
import { containerTop } from './top.js';
import { updateContainer } from './update.js';

// #region container-service
export class ContainerService implements FullContainerBackend {
  constructor(private readonly ctx: DaemonContext, private readonly execs: ExecService) {}

  private get(ref: string): Container {
    return this.ctx.containers.get(ref);
  }

  async containerCreate(body: unknown, name: string | null): Promise<{ Id: string; Warnings: string[] }> {
    const container = await createContainer(this.ctx, body, name);
    return { Id: container.id, Warnings: [] };
  }

  containerInspect(ref: string): Record<string, unknown> {
    const c = this.get(ref);
    const execs = this.execs.idsOf(c);
    return { ...inspectView(c), ExecIDs: execs.length ? execs : null };
  }

  async containers(options: { all: boolean; limit: number; size: boolean; filters: Filters }): Promise<Record<string, unknown>[]> {
    // The image store is read from disk, so only for a filter that names an image.
    const images = options.filters.has('ancestor') ? await this.ctx.engine.images.list() : [];
    const imageIdOf = (ref: string) => images.find((i) => i.name && (i.name === ref || i.name.endsWith(`/${ref}`) || i.name.endsWith(`/${ref}:latest`)))?.id;
    const listed = listContainers(this.ctx.containers.all(), { ...options, imageIdOf });
    return Promise.all(listed.map(async (c) => summaryView(c, options.size ? await containerSize(this.ctx, c) : undefined)));
  }
  // #endregion container-service

  // #region lifecycle
  containerStart(ref: string): Promise<void> {
    return startContainer(this.ctx, this.get(ref));
  }

  containerStop(ref: string, options: { signal?: string; timeout?: number }): Promise<void> {
    return stopContainer(this.ctx, this.get(ref), options);
  }

  /** moby says which kill failed: `Cannot kill container: nope: No such container: nope`. */
  containerKill(ref: string, signal: string): Promise<void> {
    let c: Container;
    try {
      c = this.get(ref);
    } catch (err) {
      if (err instanceof NotFoundError) throw new NotFoundError(`Cannot kill container: ${ref}: ${err.message}`);
      throw err;
    }
    return killContainer(this.ctx, c, signal, ref);
  }

  /** Stop (if running), then start; a restart the user asked for leaves RestartCount alone. */
  async containerRestart(ref: string, options: { signal?: string; timeout?: number }): Promise<void> {
    const c = this.get(ref);
    await stopContainer(this.ctx, c, options).catch((err) => {
      if (!(err instanceof NotModifiedError)) throw err;
    });
    await startContainer(this.ctx, c);
    this.ctx.events.log('container', 'restart', c.id, c.eventAttributes());
  }

  // #endregion lifecycle

  // #region pause
  /** The cgroup freezer (chapter 01's pause): every process stops where it is, and the container still counts as running. */
  containerPause(ref: string): Promise<void> {
    const c = this.get(ref);
    return c.exclusive(async () => {
      if (!c.state.Running) throw new ConflictError(`Container ${c.id} is not running`);
      if (c.state.Paused) throw new ConflictError(`Container ${c.id} is already paused`);
      await pause(c.id, { stateRoot: this.ctx.engine.containers.stateRoot });
      Object.assign(c.state, { Paused: true, Status: 'paused' });
      c.save();
      this.ctx.events.log('container', 'pause', c.id, c.eventAttributes());
    });
  }

  containerUnpause(ref: string): Promise<void> {
    const c = this.get(ref);
    return c.exclusive(async () => {
      if (!c.state.Paused) throw new ConflictError(`Container ${c.id} is not paused`);
      await resume(c.id, { stateRoot: this.ctx.engine.containers.stateRoot });
      Object.assign(c.state, { Paused: false, Status: 'running' });
      c.save();
      this.ctx.events.log('container', 'unpause', c.id, c.eventAttributes());
    });
  }

  async containerResize(ref: string, rows: number, cols: number): Promise<void> {
    const c = this.get(ref);
    if (!c.state.Running || !c.shim) throw new ConflictError(`Container ${c.id} is not running`);
    if (rows > 0 && cols > 0) await c.shim.resize(rows, cols);
  }
  // #endregion pause

  // #region streams
  /**
   * The container is found before the connection is taken over; then the
   * client is joined to the running shim, or waits for the next start.
   * The answer's headers go out under the container's lock, with the
   * session registered before the lock is let go: a client that sends
   * `start` as soon as it has them (dockerode does, and the CLI after its
   * 101) finds the session waiting, and misses none of the output.
   */
  async containerAttach(ref: string, config: AttachConfig): Promise<void> {
    const c = this.get(ref);
    let session!: AttachSession;
    await c.exclusive(async () => {
      const streams = config.streams(!c.record.Config.Tty);
      if (config.logs) await replayLogs(c, config, streams);
      session = new AttachSession(streams, config, config.signal);
      if (!config.stream) session.cancel();
      else if (c.shim && c.state.Running) await session.connect(c.shim).catch(() => session.cancel());
      else c.pendingAttaches.add(session);
      // Once the session is in place: whoever sees the event may rely on it.
      this.ctx.events.log('container', 'attach', c.id, c.eventAttributes());
    });
    await session.done;
    c.pendingAttaches.delete(session);
  }

  async containerLogs(ref: string, options: LogsOptions, signal: AbortSignal): Promise<{ tty: boolean; messages: AsyncIterable<LogMessage> }> {
    const c = this.get(ref);
    return { tty: !!c.record.Config.Tty, messages: containerLogs(c, options, signal) };
  }
  // #endregion streams



  // #region remove
  async containerRm(ref: string, options: { force: boolean; removeVolumes: boolean }): Promise<void> {
    const c = this.get(ref);
    await removeContainer(this.ctx, c, options);
    this.execs.forget(c);
  }

  async containersPrune(filters: Filters): Promise<{ ContainersDeleted: string[]; SpaceReclaimed: number }> {
    for (const key of filters.keys()) if (key !== 'label' && key !== 'until') throw new InvalidArgumentError(`invalid filter '${key}'`);
    const deleted: string[] = [];
    const stopped = listContainers(this.ctx.containers.all(), { all: true, limit: 0, filters: new Map([['label', filters.get('label') ?? []]]), imageIdOf: () => undefined })
      .filter((c) => !c.state.Running && !c.state.Restarting && !c.removing);
    for (const c of stopped) {
      await c.exclusive(() => destroy(this.ctx, c, false));
      this.execs.forget(c);
      deleted.push(c.id);
    }
    this.ctx.events.log('container', 'prune', '', { reclaimed: '0' });
    return { ContainersDeleted: deleted, SpaceReclaimed: 0 };
  }
  // #endregion remove

  // #region rename
  containerRename(ref: string, newName: string): void {
    const container = this.get(ref);
    const oldName = container.name;
    const name = newName.replace(/^\//, '');
    if (!name) throw new InvalidArgumentError('Neither old nor new names may be empty');
    if (name === oldName) throw new InvalidArgumentError('Renaming a container with the same name as its current name');
    try {
      this.ctx.containers.reserve(name, container.id);
    } catch (err) {
      if (err instanceof ConflictError) throw new ConflictError(`Error when allocating new name: ${err.message}`);
      throw err;
    }
    this.ctx.containers.release(oldName);
    container.record.Name = `/${name}`;
    container.save();
    this.ctx.events.log('container', 'rename', container.id, container.eventAttributes({ oldName: `/${oldName}` }));
  }
  // #endregion rename

  // #region wait
  /**
   * `not-running` answers at once for a container that is not running;
   * `next-exit` waits for the next exit even of a created container;
   * `removed` waits until AutoRemove or `docker rm` has deleted it.
   */
  containerWait(ref: string, condition: WaitCondition): { result: Promise<WaitResult> } {
    const container = this.get(ref);
    if (condition === 'not-running' && !container.state.Running) {
      return { result: Promise.resolve({ StatusCode: container.state.ExitCode, Error: null }) };
    }
    return { result: container.waiters.next(condition === 'removed' ? 'removed' : 'next-exit') };
  }
  // #endregion wait

  // #region inspect-verbs
  containerTop(ref: string, psArgs: string): Promise<{ Titles: string[]; Processes: string[][] }> {
    return containerTop(this.ctx, this.get(ref), psArgs);
  }

  containerStats(ref: string, options: { stream: boolean; oneShot: boolean }, signal: AbortSignal, send: (stats: unknown) => void): Promise<void> {
    return containerStats(this.ctx, this.get(ref), options, signal, send);
  }

  containerChanges(ref: string): Promise<{ Path: string; Kind: number }[]> {
    return containerChanges(this.ctx, this.get(ref));
  }

  containerStatPath(ref: string, path: string): Promise<PathStat> {
    return statPath(this.ctx, this.get(ref), path, ref);
  }

  containerArchivePath(ref: string, path: string): Promise<{ stat: PathStat; write(out: Writable): Promise<void> }> {
    return archivePath(this.ctx, this.get(ref), path, ref);
  }

  containerExtractToDir(ref: string, path: string, content: Readable, _options: { noOverwriteDirNonDir: boolean }): Promise<void> {
    return extractToDir(this.ctx, this.get(ref), path, content, ref);
  }

  async containerExport(ref: string): Promise<{ write(out: Writable): Promise<void> }> {
    const c = this.get(ref);
    this.ctx.events.log('container', 'export', c.id, c.eventAttributes());
    return exportContainer(this.ctx, c);
  }

  containerUpdate(ref: string, body: unknown): Promise<{ Warnings: string[] }> {
    return updateContainer(this.ctx, this.get(ref), body);
  }

  containerCommit(ref: string, options: CommitOptions): Promise<{ Id: string }> {
    return commitContainer(this.ctx, this.get(ref), options);
  }
}
// #endregion inspect-verbs

// #region replay-logs
/** attach's `logs=1`: what the container already printed, before what it prints next. */
async function replayLogs(c: Container, config: AttachConfig, streams: ClientStreams): Promise<void> {
  for await (const m of containerLogs(c, { stdout: config.stdout, stderr: config.stderr, follow: false }, config.signal)) {
    await new Promise((resolve) => (m.stream === 'stderr' ? streams.stderr : streams.stdout).write(m.line, resolve));
  }
}
// #endregion replay-logs
