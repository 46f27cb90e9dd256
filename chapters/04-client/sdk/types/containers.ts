// containers.ts — the shapes of containers on the wire.
//
// Written from the Engine API's swagger (moby `api/swagger.yaml`, API 1.50),
// field for field, with the daemon's own capitalisation. Each top-level type
// names, in its `@schema` tag, the request or response of the swagger it
// describes, and test/04-client/swagger-types.test.ts holds every field to
// it: a field the swagger lacks, or of another JSON type, fails the test.
// A field newer than API 1.41 says so with `@since`.

import type { EndpointSettings } from './networks.js';

// #region container-config
/** What runs in a container, as the image proposes and the user overrides (swagger `ContainerConfig`). */
export interface ContainerConfig {
  Hostname?: string;
  Domainname?: string;
  /** `user`, `uid`, `user:group` or `uid:gid`. */
  User?: string;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  ExposedPorts?: Record<string, Record<string, never>> | null;
  /** Give the process a terminal: raw output, stdout and stderr merged. */
  Tty?: boolean;
  OpenStdin?: boolean;
  /** Close stdin after the first attached client detaches. */
  StdinOnce?: boolean;
  /** `KEY=value` entries. */
  Env?: string[] | null;
  Cmd?: string[] | null;
  Image?: string;
  Volumes?: Record<string, Record<string, never>> | null;
  WorkingDir?: string;
  Entrypoint?: string[] | null;
  OnBuild?: string[] | null;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  StopTimeout?: number | null;
  Shell?: string[] | null;
}
// #endregion container-config

// #region host-config
/** How the host runs it: limits, mounts, policies (swagger `HostConfig`, with `Resources`). */
export interface HostConfig {
  /** `source:target[:options]` bind mounts and named volumes. */
  Binds?: string[] | null;
  Mounts?: Mount[] | null;
  /** Every volume of these containers too (`--volumes-from NAME[:ro|rw]`). */
  VolumesFrom?: string[] | null;
  /** `{"/run": "size=64m"}`: a tmpfs at each path, with its mount options. */
  Tmpfs?: Record<string, string> | null;
// #endregion host-config

// #region host-config-network
  /** `bridge`, `host`, `none`, `container:NAME`, a network's name, or `default`. */
  NetworkMode?: string;
  /** `{"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8080"}]}`; an empty HostPort is an ephemeral one. */
  PortBindings?: Record<string, { HostIp?: string; HostPort?: string }[] | null> | null;
  /** Publish every exposed port on an ephemeral host port (`-P`). */
  PublishAllPorts?: boolean;
  Dns?: string[] | null;
  DnsSearch?: string[] | null;
  DnsOptions?: string[] | null;
  /** `name:address` lines for /etc/hosts (`--add-host`). */
  ExtraHosts?: string[] | null;
  RestartPolicy?: RestartPolicy;
  /** Remove the container when it exits (`--rm`). */
  AutoRemove?: boolean;
  ReadonlyRootfs?: boolean;
  Privileged?: boolean;
  CapAdd?: string[] | null;
  CapDrop?: string[] | null;
  /** Run an init as PID 1 (`--init`). */
  Init?: boolean | null;
  /** Memory limit in bytes; 0 is none. */
  Memory?: number;
  MemorySwap?: number;
  /** CPU quota in units of 1e-9 CPUs (`--cpus 1.5` is 1500000000). */
  NanoCpus?: number;
  CpuShares?: number;
  /** Most processes at once; 0 or -1 is no limit. */
  PidsLimit?: number | null;
  /** The terminal's size at create time, `[height, width]`. */
  ConsoleSize?: number[] | null;
  LogConfig?: { Type?: string; Config?: Record<string, string> };
}

// #endregion host-config-network

// #region create-request
/** Restart behaviour: `no`, `always`, `unless-stopped`, `on-failure[:N]`. */
export interface RestartPolicy {
  Name?: '' | 'no' | 'always' | 'unless-stopped' | 'on-failure';
  MaximumRetryCount?: number;
}

/** A `--mount`: bind, volume or tmpfs (swagger `Mount`). */
export interface Mount {
  Target?: string;
  Source?: string;
  Type?: 'bind' | 'volume' | 'tmpfs' | 'image' | 'npipe' | 'cluster';
  ReadOnly?: boolean;
  BindOptions?: { Propagation?: string };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
}

/**
 * The body of `POST /containers/create`: the config, the host config and
 * the networks in one object.
 * @schema POST /containers/create body
 */
export interface ContainerCreateRequest extends ContainerConfig {
  HostConfig?: HostConfig;
  NetworkingConfig?: { EndpointsConfig?: Record<string, EndpointSettings> };
}

/** @schema POST /containers/create 201 */
export interface ContainerCreateResponse {
  Id: string;
  Warnings: string[] | null;
}
// #endregion create-request

// #region container-summary
/** One row of `GET /containers/json`. @schema GET /containers/json 200 items */
export interface ContainerSummary {
  Id: string;
  /** With a leading slash: `/web`. */
  Names: string[];
  Image: string;
  ImageID: string;
  Command: string;
  /** Seconds since the epoch. */
  Created: number;
  Ports: Port[];
  /** Bytes written in the container's own layer (only with `size`). */
  SizeRw?: number;
  /** Bytes of the whole filesystem (only with `size`). */
  SizeRootFs?: number;
  Labels: Record<string, string>;
  /** created, running, paused, restarting, exited, removing, dead. */
  State: string;
  /** Human words: "Up 3 minutes", "Exited (0) 2 seconds ago". */
  Status: string;
  HostConfig?: { NetworkMode?: string };
  Mounts: MountPoint[];
}
// #endregion container-summary

// #region ports-mounts
/** A published or exposed port. */
export interface Port {
  IP?: string;
  PrivatePort: number;
  PublicPort?: number;
  Type: string;
}

/** A mount as the container has it (swagger `MountPoint`). */
export interface MountPoint {
  Type?: string;
  Name?: string;
  Source?: string;
  Destination?: string;
  Driver?: string;
  Mode?: string;
  RW?: boolean;
  Propagation?: string;
}
// #endregion ports-mounts

// #region container-inspect
/** Everything the daemon knows of one container. @schema GET /containers/{id}/json 200 */
export interface ContainerInspect {
  Id: string;
  /** RFC 3339 with nanoseconds. */
  Created: string;
  Path: string;
  Args: string[];
  State: ContainerState;
  /** The image's id, `sha256:…`. */
  Image: string;
  ResolvConfPath?: string;
  HostnamePath?: string;
  HostsPath?: string;
  LogPath?: string;
  Name: string;
  RestartCount: number;
  Driver?: string;
  Platform?: string;
  ExecIDs?: string[] | null;
  HostConfig: HostConfig;
  SizeRw?: number;
  SizeRootFs?: number;
  Mounts: MountPoint[];
  Config: ContainerConfig;
  NetworkSettings?: { Networks?: Record<string, { IPAddress?: string; Gateway?: string; MacAddress?: string }> };
}
// #endregion container-inspect

// #region container-state
/** Where a container is in its life (swagger `ContainerState`). */
export interface ContainerState {
  Status: 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
}
// #endregion container-state

// #region container-results
/** `POST /containers/{id}/wait`. @schema POST /containers/{id}/wait 200 */
export interface ContainerWaitResponse {
  StatusCode: number;
  Error?: { Message?: string } | null;
}

/** `ps` inside the container. @schema GET /containers/{id}/top 200 */
export interface ContainerTopResponse {
  Titles: string[];
  Processes: string[][];
}

/** One changed path of `diff`; Kind 0 modified, 1 added, 2 deleted. @schema GET /containers/{id}/changes 200 items */
export interface FilesystemChange {
  Path: string;
  Kind: 0 | 1 | 2;
}

/** @schema POST /containers/prune 200 */
export interface ContainerPruneResponse {
  ContainersDeleted: string[] | null;
  SpaceReclaimed: number;
}

/** @schema POST /containers/{id}/update 200 */
export interface ContainerUpdateResponse {
  Warnings: string[] | null;
}
// #endregion container-results

// #region container-stats
/** One sample of a container's resource use. @schema GET /containers/{id}/stats 200 */
export interface ContainerStats {
  name?: string;
  id?: string;
  read: string;
  preread: string;
  pids_stats?: { current?: number; limit?: number };
  cpu_stats: CpuStats;
  precpu_stats: CpuStats;
  memory_stats: { usage?: number; limit?: number; stats?: Record<string, number> };
  blkio_stats?: { io_service_bytes_recursive?: { major: number; minor: number; op: string; value: number }[] | null };
  networks?: Record<string, { rx_bytes: number; tx_bytes: number }>;
}

/** CPU time used, in nanoseconds, and how many CPUs were online. */
export interface CpuStats {
  cpu_usage: { total_usage: number };
  system_cpu_usage?: number;
  online_cpus?: number;
}
// #endregion container-stats

// #region exec-requests
/** The body of `POST /containers/{id}/exec`. @schema POST /containers/{id}/exec body */
export interface ExecCreateRequest {
  Cmd: string[];
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  DetachKeys?: string;
  Tty?: boolean;
  /** `[height, width]` @since 1.42 */
  ConsoleSize?: number[] | null;
  Env?: string[] | null;
  Privileged?: boolean;
  User?: string;
  WorkingDir?: string;
}

/** The body of `POST /exec/{id}/start`. @schema POST /exec/{id}/start body */
export interface ExecStartRequest {
  Detach?: boolean;
  Tty?: boolean;
  /** @since 1.42 */
  ConsoleSize?: number[] | null;
}
// #endregion exec-requests

// #region exec-results
/** An exec's state; `ExitCode` is final once `Running` is false. @schema GET /exec/{id}/json 200 */
export interface ExecInspect {
  ID: string;
  Running: boolean;
  ExitCode: number | null;
  ProcessConfig: { tty?: boolean; entrypoint?: string; arguments?: string[]; privileged?: boolean; user?: string };
  OpenStdin: boolean;
  OpenStderr: boolean;
  OpenStdout: boolean;
  ContainerID: string;
  Pid: number;
}

/** An id just made: an exec, a committed image. @schema POST /containers/{id}/exec 201 */
export interface IdResponse {
  Id: string;
}
// #endregion exec-results
