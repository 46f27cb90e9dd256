// daemon.ts — the Daemon: one engine, one event bus, every Backend interface.

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine, isDigestName } from '../../02-images/index.js';
import { API_VERSION, checkFilterKeys, MIN_API_VERSION, type EventMessage, type EventQuery, type SystemBackend } from '../api/index.js';
import { ContainerNetworking, NetworkController, type DnsDefaults } from '../networks/index.js';
import { ShimPool } from '../shim/index.js';
import { VolumeService, VolumeStore } from '../volumes/index.js';
import { BuildService } from './build-service.js';
import { ContainerService } from './container-service.js';
import type { DaemonContext } from './context.js';
import { ContainerStore } from './container-store.js';
import { EVENT_FILTERS, eventMatches } from './event-filter.js';
import { Events } from './events.js';
import { hostInfo, type HostInfo } from './host-info.js';
import { ImageService } from './image-service.js';
import { ExecService } from './exec.js';
import { lockDataRoot } from './data-root-lock.js';
import { NetworkService } from './network-service.js';
import { restoreContainers } from './restore.js';
import type { RemappedRoot } from './remapped-root.js';
import { securityOptions } from './security.js';

// #region daemon-config
export interface DaemonConfig {
  /** Images, layers, containers: shared with chapter 02's skiff-engine. */
  dataRoot: string;
  /** Sockets and pids that do not outlive a reboot. */
  execRoot: string;
  debug?: (line: string) => void;
  /** Where the daemon's warnings go (stderr by default). */
  warn?: (line: string) => void;
  /** How many shims to keep warm (0: start each cold). */
  warmShims?: number;
  /** The default bridge's Linux name, or `none` (dockerd's --bridge); `skiff0` if not given. */
  bridge?: string;
  /** The default bridge's gateway/prefix (dockerd's --bip); the first free pool if not given. */
  bip?: string;
  /** Where a port published without an address listens (dockerd's --ip); 0.0.0.0 if not given. */
  defaultIp?: string;
  /** DNS servers, search domains and options for containers that give none (dockerd's --dns, --dns-search, --dns-opt). */
  dns?: DnsDefaults;
  /** --userns-remap's ranges: layers unpacked into them, every container in a user namespace mapping them. */
  remappedRoot?: RemappedRoot;
}

/** The version skiffd reports as the Engine's. */
export const SERVER_VERSION = '28.2.2-skiff';
// #endregion daemon-config

// #region daemon-fields
export class Daemon implements SystemBackend, DaemonContext {
  readonly engine: Engine;
  readonly events = new Events();
  readonly id: string;
  readonly host: HostInfo = hostInfo();
  readonly imageService: ImageService;
  readonly buildService: BuildService;
  readonly containers: ContainerStore;
  readonly containerService: ContainerService;
  readonly execService: ExecService;
  readonly volumes: VolumeService;
  readonly shimsDir: string;
  readonly shimPool?: ShimPool;
  readonly warn: (line: string) => void;
  readonly remappedRoot?: RemappedRoot;
  /** Set by open(), which makes the bridges before any container is restored. */
  networking!: ContainerNetworking;
  readonly networkService: NetworkService;
  private readonly unlock: () => void;
  // #endregion daemon-fields

  // #region daemon-constructor
  private constructor(readonly config: DaemonConfig) {
    this.unlock = lockDataRoot(config.dataRoot);
    mkdirSync(config.execRoot, { recursive: true });
    this.warn = config.warn ?? ((line) => process.stderr.write(`skiffd: ${line}\n`));
    this.shimsDir = join(config.execRoot, 'shims');
    this.remappedRoot = config.remappedRoot;
    this.engine = new Engine(config.dataRoot, config.remappedRoot);
    this.id = engineId(config.dataRoot);
    this.containers = new ContainerStore(config.dataRoot);
    this.containers.load();
    const volumeStore = new VolumeStore(join(config.dataRoot, 'volumes'), config.remappedRoot?.root);
    volumeStore.load();
    this.volumes = new VolumeService(volumeStore, (name) => this.volumeUsers(name), (action, name) => this.events.log('volume', action, name, { driver: 'local' }));
    this.imageService = new ImageService(this.engine, this.events, (id) =>
      this.containers.all().filter((c) => c.record.Image === id).map((c) => ({ id: c.id, running: c.state.Running })));
    this.buildService = new BuildService(this.engine, this.events);
    this.execService = new ExecService(this);
    this.containerService = new ContainerService(this, this.execService);
    this.networkService = new NetworkService(this);
    const warm = config.warmShims ?? 2;
    if (warm > 0) this.shimPool = new ShimPool({ dir: join(this.shimsDir, '.warm'), size: warm });
  }
  // #endregion daemon-constructor

  // #region daemon-open
  /**
   * Opens the data root (refusing one another daemon holds) and restores
   * what it finds: running containers re-attached through their shims,
   * restart policies applied to the others (restore.ts).
   */
  static async open(config: DaemonConfig): Promise<Daemon> {
    const daemon = new Daemon(config);
    const controller = await NetworkController.open({
      dir: join(config.dataRoot, 'network'), bridge: config.bridge ?? 'skiff0', bip: config.bip, warn: daemon.warn,
    });
    daemon.networking = new ContainerNetworking(controller, config.defaultIp ?? '0.0.0.0', config.dns);
    await restoreContainers(daemon);
    return daemon;
  }

  /** The containers whose mount points name a volume: what makes it "in use". */
  private volumeUsers(name: string): string[] {
    return this.containers.all().filter((c) => c.record.Mounts.some((m) => m.Name === name)).map((c) => c.id);
  }
  // #endregion daemon-open

  // #region daemon-close
  /** Lets go of the shims and the data root; the containers run on, to be found by the next daemon. */
  async close(): Promise<void> {
    this.shimPool?.close();
    this.networking?.close();
    for (const c of this.containers.all()) {
      clearTimeout(c.restartTimer);
      c.shim?.close();
    }
    this.unlock();
  }
  // #endregion daemon-close

  // #region system-backend
  systemVersion(): Record<string, unknown> {
    const details = {
      ApiVersion: API_VERSION, MinAPIVersion: MIN_API_VERSION, GitCommit: 'skiff', GoVersion: `node ${process.version}`,
      Os: 'linux', Arch: this.host.goArch, KernelVersion: this.host.kernelVersion, BuildTime: '', Experimental: 'false',
    };
    return {
      Platform: { Name: 'Skiff' },
      Components: [{ Name: 'Engine', Version: SERVER_VERSION, Details: details }],
      Version: SERVER_VERSION,
      ...details,
      Experimental: false,
    };
  }

  async systemInfo(): Promise<Record<string, unknown>> {
    const images = new Set((await this.engine.images.list()).map((i) => i.id));
    const all = this.containers.all();
    const counts = {
      total: all.length, running: all.filter((c) => c.state.Running && !c.state.Paused).length,
      paused: all.filter((c) => c.state.Paused).length, stopped: all.filter((c) => !c.state.Running).length,
    };
    return {
      ID: this.id, Containers: counts.total, ContainersRunning: counts.running, ContainersPaused: counts.paused,
      ContainersStopped: counts.stopped, Images: images.size, Driver: await this.engine.snapshotter.mode(), DriverStatus: [],
      Plugins: { Volume: ['local'], Network: ['bridge', 'host', 'null'], Authorization: null, Log: ['json-file'] },
      MemoryLimit: true, SwapLimit: true, CpuCfsPeriod: true, CpuCfsQuota: true, CPUShares: true, PidsLimit: true,
      OomKillDisable: false, IPv4Forwarding: false, Debug: !!this.config.debug, NFd: 0, NGoroutines: 0,
      SystemTime: new Date().toISOString(), LoggingDriver: 'json-file', CgroupDriver: 'cgroupfs', CgroupVersion: this.host.cgroupVersion,
      NEventsListener: 0, KernelVersion: this.host.kernelVersion, OperatingSystem: this.host.operatingSystem, OSVersion: '',
      OSType: 'linux', Architecture: this.host.architecture, IndexServerAddress: 'https://index.docker.io/v1/',
      RegistryConfig: { IndexConfigs: {}, InsecureRegistryCIDRs: ['127.0.0.0/8'], Mirrors: [] },
      NCPU: this.host.ncpu, MemTotal: this.host.memTotal, DockerRootDir: this.config.dataRoot, Name: this.host.name, Labels: [],
      ExperimentalBuild: false, ServerVersion: SERVER_VERSION, Runtimes: { 'skiff-runtime': { path: 'skiff-runtime' } },
      DefaultRuntime: 'skiff-runtime', Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
      LiveRestoreEnabled: true, Isolation: '', InitBinary: '', SecurityOptions: securityOptions(!!this.remappedRoot), Warnings: [],
    };
  }
  // #endregion system-backend

  // #region system-df
  async systemDiskUsage(): Promise<Record<string, unknown>> {
    const images = await this.engine.images.list();
    const ids = [...new Set(images.map((i) => i.id))];
    const summaries = ids.map((id) => {
      const named = images.filter((i) => i.id === id);
      const size = this.engine.unpackedSize(named[0]!);
      const digests = named.flatMap((i) => (isDigestName(i.name) ? [i.name, ...i.repoDigests] : i.repoDigests));
      return {
        Id: id, ParentId: '', RepoTags: named.filter((i) => i.name && !isDigestName(i.name)).map((i) => i.name), RepoDigests: [...new Set(digests)],
        Created: Math.floor(Date.parse(named[0]!.created ?? '') / 1000) || 0, Size: size, SharedSize: 0, VirtualSize: size,
        Labels: named[0]!.config.config?.Labels ?? {}, Containers: this.containers.all().filter((c) => c.record.Image === id).length,
      };
    });
    const containers = await this.containerService.containers({ all: true, limit: -1, size: true, filters: new Map() });
    return {
      LayersSize: summaries.reduce((s, i) => s + i.Size, 0), Images: summaries, Containers: containers, BuildCache: [],
      Volumes: this.volumes.store.all().map((v) => this.volumes.view(v, true)),
    };
  }
  // #endregion system-df

  // #region subscribe-events
  /** Past events are replayed only for a subscriber that gave `since` or `until`, as moby does. */
  subscribeToEvents({ since, until, filters }: EventQuery, listener: (message: EventMessage) => void): { past: EventMessage[]; cancel: () => void } {
    checkFilterKeys(filters, EVENT_FILTERS);
    const wanted = (m: EventMessage) =>
      eventMatches(m, filters) && (until === undefined || m.timeNano <= until) && (since === undefined || m.timeNano >= since);
    const subscription = this.events.subscribe((m) => wanted(m) && listener(m));
    const replay = since !== undefined || until !== undefined;
    return { past: replay ? subscription.past.filter(wanted) : [], cancel: subscription.cancel };
  }
}
  // #endregion subscribe-events

// #region engine-id
/** A stable id for this engine, made once per data root (docker info's ID). */
function engineId(dataRoot: string): string {
  const path = join(dataRoot, 'engine-id');
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const id = randomBytes(16).toString('hex').replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, '$1-$2-$3-$4-$5');
  writeFileSync(path, `${id}\n`);
  return id;
}
// #endregion engine-id
