// containers.ts — a container is an image's snapshots, one writable layer, and a bundle.

import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  ConflictError, deleteContainer, InvalidArgumentError, NotFoundError, readMountInfo, resolveInRoot, run as runBundle, RuntimeError, state,
  writeAtomically, type AtomicWriteOptions, type Stdio,
} from '../../01-namespaces/index.js';
import { mkdirAs, mountRootfs, ownerOnHost, unmountRootfs, type LayerChainId, type Snapshotter } from '../layers/index.js';
import { shortId, type ContainerConfig, type Digest } from '../store/index.js';
import { commandLine, runtimeSpec, StartError, type RunOverrides, type VolumeMount } from './image-config.js';
import { createAnonymousVolumes, fillVolume, removeVolumes, type AnonymousVolume } from './volumes.js';

// #region record
export type ContainerStatus = 'created' | 'running' | 'exited';

/** What the engine remembers about a container (a small cousin of `docker inspect`). */
export interface ContainerRecord {
  id: string;
  name: string;
  /** The image as the user named it, and its id. */
  image: string;
  imageId: Digest;
  /** The ChainID the writable layer stands on (null: an image with no layers). */
  parent: LayerChainId | null;
  command: string[];
  created: string;
  status: ContainerStatus;
  exitCode: number;
  startedAt?: string;
  finishedAt?: string;
  /** Why it could not start, if it could not. */
  error?: string;
  /** The anonymous volumes made for the image's VOLUME paths. */
  volumes?: AnonymousVolume[];
}
// #endregion record

// #region create-input
export class ContainerNotFoundError extends NotFoundError {
  constructor(readonly reference: string) {
    super(`No such container: ${reference}`);
  }
}

export interface CreateInput {
  image: string;
  imageId: Digest;
  parent: LayerChainId | null;
  config: ContainerConfig;
  name?: string;
  /** `--rm`: a container that cannot start is removed at once rather than kept as `created`. */
  autoRemove?: boolean;
  overrides: Omit<RunOverrides, 'hostname' | 'etcFiles' | 'cgroupsPath'> & { hostname?: string };
}

/** The container directory, bundle and snapshot key of one container. */
export class ContainerPaths {
  constructor(readonly root: string, readonly id: string) {}
  get dir(): string { return join(this.root, 'containers', this.id); }
  get bundle(): string { return join(this.dir, 'bundle'); }
  get rootfs(): string { return join(this.bundle, 'rootfs'); }
  get record(): string { return join(this.dir, 'container.json'); }
  get snapshotKey(): string { return `container-${this.id}`; }
}

export class Containers {
  readonly stateRoot: string;

  constructor(
    readonly root: string,
    private readonly snapshotter: Snapshotter,
  ) {
    this.stateRoot = join(root, 'runtime');
  }
  // #endregion create-input

  // #region create
  /**
   * Everything up to the moment the program would start: the writable
   * snapshot, the mounted rootfs, the /etc files, config.json. A config
   * that cannot run (no command, unknown user, program not found) is found
   * out here, and leaves a `created` container behind with its error, as
   * Docker's does.
   */
  async create(input: CreateInput): Promise<ContainerRecord> {
    const id = randomBytes(32).toString('hex');
    const taken = await this.list();
    const name = input.name ?? generateName(new Set(taken.map((c) => c.name)));
    checkName(name, taken);
    const paths = new ContainerPaths(this.root, id);
    const hostname = input.overrides.hostname ?? shortId(id);
    let command: string[] = [];
    try {
      command = commandLine(input.config, input.overrides);
    } catch {
      // no command at all: runtimeSpec below says so, and the container is kept with that error
    }
    const record: ContainerRecord = {
      id, name, image: input.image, imageId: input.imageId, parent: input.parent,
      command, created: new Date().toISOString(), status: 'created', exitCode: 0,
    };
    mkdirSync(paths.rootfs, { recursive: true });
    writeRecord(paths, record);
    // #endregion create
    // #region create-bundle
    try {
      await this.snapshotter.prepare(paths.snapshotKey, input.parent);
      const etcFiles = writeEtcFiles(paths, hostname, this.remappedRoot());
      await this.mount(paths);
      try {
        const binds = input.overrides.volumes ?? [];
        for (const volume of binds) makeVolumeSource(volume);
        for (const volume of binds) if (volume.fill) fillVolume(paths.rootfs, volume);
        const anonymous = createAnonymousVolumes(this.root, paths.rootfs, input.config.Volumes, binds);
        record.volumes = anonymous.volumes;
        writeRecord(paths, record);
        const spec = runtimeSpec(paths.rootfs, input.config, {
          ...input.overrides, volumes: [...binds, ...anonymous.mounts], hostname, etcFiles, cgroupsPath: `skiff/${id}`,
        });
        mkdirAs(resolveInRoot(paths.rootfs, spec.process.cwd), this.remappedRoot()); // `-w /missing` is created
        writeAtomically(join(paths.bundle, 'config.json'), JSON.stringify(spec, null, 2));
      } finally {
        await this.unmount(paths);
      }
    } catch (err) {
      if (!(err instanceof StartError) || input.autoRemove) {
        await this.remove(id, { force: true, volumes: true }).catch(() => {});
        throw err;
      }
      record.exitCode = err.exitCode;
      record.error = err.message;
      writeRecord(paths, record);
      throw err;
    }
    return record;
  }
  // #endregion create-bundle

  // #region start
  /** Runs a created container in the foreground; answers the program's exit code. */
  async start(reference: string, stdio: Stdio): Promise<number> {
    const record = await this.find(reference);
    const paths = new ContainerPaths(this.root, record.id);
    if (record.status !== 'created') throw new ConflictError(`container ${record.name} has already run; this engine starts a container once`);
    if (record.error) throw new StartError(record.error, record.exitCode);
    await this.mount(paths);
    try {
      record.status = 'running';
      record.startedAt = new Date().toISOString();
      writeRecord(paths, record, { durable: false });
      record.exitCode = await runBundle({ id: record.id, bundle: paths.bundle, stateRoot: this.stateRoot, stdio });
    } catch (err) {
      record.exitCode = err instanceof RuntimeError ? startExitCode(err) : 125;
      record.error = (err as Error).message;
      throw err instanceof RuntimeError ? new StartError(err.message, record.exitCode) : err;
    } finally {
      record.status = 'exited';
      record.finishedAt = new Date().toISOString();
      writeRecord(paths, record, { durable: false });
      await this.unmount(paths);
    }
    return record.exitCode;
  }
  // #endregion start

  // #region remove
  /**
   * `rm`: the record, the writable layer, the mount, and with `volumes`
   * (`rm -v`, `run --rm`) the anonymous volumes. A running container only
   * with force (killed first).
   */
  async remove(reference: string, { force = false, volumes = false } = {}): Promise<ContainerRecord> {
    const record = await this.find(reference);
    const paths = new ContainerPaths(this.root, record.id);
    if ((await this.status(record)) === 'running' && !force) {
      throw new ConflictError(`cannot remove container "${record.name}": container is running: stop the container before removing or force remove`);
    }
    await this.forgetInRuntime(record.id);
    await this.unmount(paths);
    try {
      await this.snapshotter.remove(paths.snapshotKey);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err; // never prepared: a create that failed early
    }
    // Rename, then delete: a half-deleted container never looks like a whole one.
    const doomed = join(this.root, 'containers', `.removing-${record.id}`);
    renameSync(paths.dir, doomed);
    rmSync(doomed, { recursive: true, force: true });
    if (volumes && record.volumes?.length) removeVolumes(this.root, record.volumes);
    return record;
  }
  // #endregion remove

  // #region forget-in-runtime
  /**
   * Whatever chapter 01's runtime still holds for the container goes: its
   * process (killed), its cgroups, its state directory. Usually the engine
   * deleted them when the program exited; but an engine that was killed
   * itself never got there, and left a live or dead container behind.
   */
  private async forgetInRuntime(id: string): Promise<void> {
    if (!existsSync(join(this.stateRoot, id))) return;
    await deleteContainer(id, { force: true, stateRoot: this.stateRoot });
  }
  // #endregion forget-in-runtime

  // #region list-find
  /** Every container, newest first. */
  async list(): Promise<ContainerRecord[]> {
    const dir = join(this.root, 'containers');
    if (!existsSync(dir)) return [];
    const records = readdirSync(dir)
      .filter((name) => /^[a-f0-9]{64}$/.test(name))
      .map((id) => readRecord(new ContainerPaths(this.root, id)))
      .filter((r): r is ContainerRecord => r !== undefined);
    for (const r of records) r.status = await this.status(r);
    return records.sort((a, b) => b.created.localeCompare(a.created));
  }

  /** By full id, unique id prefix, or name (Docker's lookup order). */
  async find(reference: string): Promise<ContainerRecord> {
    const all = await this.list();
    const exact = all.find((c) => c.id === reference || c.name === reference.replace(/^\//, ''));
    if (exact) return exact;
    const byPrefix = /^[a-f0-9]+$/.test(reference) ? all.filter((c) => c.id.startsWith(reference)) : [];
    if (byPrefix.length === 1) return byPrefix[0];
    throw new ContainerNotFoundError(reference);
  }
  // #endregion list-find

  // #region status
  /** A record says running; the runtime knows whether it still is (the engine may have died). */
  async status(record: ContainerRecord): Promise<ContainerStatus> {
    if (record.status !== 'running') return record.status;
    try {
      return state(record.id, { stateRoot: this.stateRoot }).status === 'running' ? 'running' : 'exited';
    } catch {
      return 'exited';
    }
  }

  paths(record: ContainerRecord): ContainerPaths {
    return new ContainerPaths(this.root, record.id);
  }
  // #endregion status

  // #region mount
  /** Mounts the container's root filesystem at its bundle's rootfs (for run, export). */
  async mount(paths: ContainerPaths): Promise<void> {
    if (!isMountPoint(paths.rootfs)) mountRootfs(this.snapshotter.mounts(paths.snapshotKey), paths.rootfs);
  }

  async unmount(paths: ContainerPaths): Promise<void> {
    if (isMountPoint(paths.rootfs)) unmountRootfs(paths.rootfs);
  }

  /** With a remapped snapshotter (chapter 03's --userns-remap), the host ids of the container's root: the owner of what create makes for it. */
  private remappedRoot(): { uid: number; gid: number } | undefined {
    const idMap = this.snapshotter.idMap;
    return idMap && ownerOnHost(idMap, { uid: 0, gid: 0 });
  }
}
// #endregion mount

// #region name-problem
/** Refuses a new container's name that is malformed or taken, in Docker's words. */
function checkName(name: string, containers: ContainerRecord[]): void {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(name)) {
    throw new InvalidArgumentError(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }
  const taken = containers.find((c) => c.name === name);
  if (taken) {
    throw new ConflictError(`Conflict. The container name "/${name}" is already in use by container "${taken.id}". You have to remove (or rename) that container to be able to reuse that name.`);
  }
}
// #endregion name-problem

// #region host-checks
/** Is something mounted exactly at `target`? */
function isMountPoint(target: string): boolean {
  return readMountInfo().some((m) => m.mountPoint === target);
}

/**
 * The docker CLI's exit code for a container that could not start: 127 when
 * the program is not found, 126 when it cannot be executed — which chapter
 * 01's runtime says with the error's own exit code, as a shell does — and
 * 125 for anything else the engine failed at.
 */
function startExitCode(err: RuntimeError): number {
  return err.exitCode === 127 || err.exitCode === 126 ? err.exitCode : 125;
}
// #endregion host-checks

// #region etc-files
/**
 * /etc/hosts (with localhost even without a network), /etc/hostname and
 * /etc/resolv.conf belong to the container, not the image: Docker writes
 * them beside the container and bind-mounts them in.
 */
function writeEtcFiles(paths: ContainerPaths, hostname: string, owner?: { uid: number; gid: number }): Record<string, string> {
  const hosts = [
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'ff00::0\tip6-mcastprefix',
    'ff02::1\tip6-allnodes',
    'ff02::2\tip6-allrouters',
    '',
  ].join('\n');
  const files: Record<string, string> = {
    '/etc/hosts': hosts,
    '/etc/hostname': `${hostname}\n`,
    '/etc/resolv.conf': existsSync('/etc/resolv.conf') ? readFileSync('/etc/resolv.conf', 'utf8') : '',
  };
  const mounts: Record<string, string> = {};
  for (const [inContainer, content] of Object.entries(files)) {
    const host = join(paths.dir, inContainer.slice('/etc/'.length));
    // Not durable, as Docker does not flush them either: small files made
    // from the container's id and the host's resolv.conf, and a crash that
    // emptied one leaves a container that still starts.
    writeAtomically(host, content, { durable: false });
    if (owner) chownSync(host, owner.uid, owner.gid); // a remapped root's to rewrite, as in Docker
    mounts[inContainer] = host;
  }
  return mounts;
}
// #endregion etc-files

// #region record-files
/** Docker creates a missing host directory for `-v /host/path:/x`. */
function makeVolumeSource(volume: VolumeMount): void {
  if (!existsSync(volume.source)) mkdirSync(volume.source, { recursive: true });
}

/**
 * The record, whole or not at all. Flushed to disk when the container is
 * made, since it is what `ps -a` and `rm` find after a reboot; not while it
 * runs (running, exited), as chapter 01's state is not: those updates
 * describe a process, which a crash ends anyway, and `status` asks the
 * runtime rather than trusting them.
 */
function writeRecord(paths: ContainerPaths, record: ContainerRecord, options?: AtomicWriteOptions): void {
  writeAtomically(paths.record, JSON.stringify(record, null, 2), options);
}

function readRecord(paths: ContainerPaths): ContainerRecord | undefined {
  try {
    return JSON.parse(readFileSync(paths.record, 'utf8')) as ContainerRecord;
  } catch {
    return undefined;
  }
}
// #endregion record-files

// #region generate-name
const ADJECTIVES = ['brave', 'calm', 'eager', 'gentle', 'jolly', 'keen', 'lucid', 'quiet', 'sharp', 'swift', 'tidy', 'witty'];
const SAILORS = ['bligh', 'cook', 'drake', 'earhart', 'hopper', 'magellan', 'nansen', 'shackleton', 'slocum', 'tasman', 'vespucci', 'zheng'];

/** Docker-style `adjective_surname` names; random, and never one already taken. */
export function generateName(taken: Set<string>): string {
  for (;;) {
    const pick = <T>(list: T[]): T => list[randomBytes(1)[0] % list.length];
    const name = `${pick(ADJECTIVES)}_${pick(SAILORS)}`;
    if (!taken.has(name)) return name;
    const numbered = `${name}${randomBytes(1)[0] % 10}`;
    if (!taken.has(numbered)) return numbered;
  }
}
// #endregion generate-name
