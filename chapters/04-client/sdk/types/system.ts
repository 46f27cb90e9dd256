// system.ts — the daemon about itself, and the events it reports (swagger, API 1.50; see containers.ts).

import type { ContainerSummary } from './containers.js';
import type { ImageSummary } from './images.js';

// #region system-version
/** `GET /version`. @schema GET /version 200 */
export interface SystemVersion {
  Platform?: { Name: string };
  Components?: { Name: string; Version: string; Details?: Record<string, unknown> | null }[];
  Version: string;
  ApiVersion: string;
  MinAPIVersion?: string;
  GitCommit: string;
  GoVersion: string;
  Os: string;
  Arch: string;
  KernelVersion?: string;
  Experimental?: boolean;
  BuildTime?: string;
}
// #endregion system-version

// #region system-info
/** `GET /info`: the fields `skiff info` prints, of many more. @schema GET /info 200 */
export interface SystemInfo {
  ID?: string;
  Containers: number;
  ContainersRunning: number;
  ContainersPaused: number;
  ContainersStopped: number;
  Images: number;
  Driver: string;
  DriverStatus?: string[][] | null;
  DockerRootDir?: string;
  Plugins?: { Volume?: string[] | null; Network?: string[] | null; Log?: string[] | null };
  MemoryLimit?: boolean;
  SwapLimit?: boolean;
  PidsLimit?: boolean;
  Debug?: boolean;
  LoggingDriver?: string;
  CgroupDriver?: string;
  CgroupVersion?: string;
  // #endregion system-info

  // #region system-info-host
  KernelVersion: string;
  OperatingSystem: string;
  OSVersion?: string;
  OSType: string;
  Architecture: string;
  NCPU: number;
  MemTotal: number;
  Name: string;
  Labels?: string[] | null;
  ExperimentalBuild?: boolean;
  ServerVersion: string;
  Runtimes?: Record<string, { path?: string }>;
  DefaultRuntime?: string;
  Swarm?: { LocalNodeState?: string };
  LiveRestoreEnabled?: boolean;
  InitBinary?: string;
  ContainerdCommit?: { ID?: string };
  RuncCommit?: { ID?: string };
  InitCommit?: { ID?: string };
  SecurityOptions?: string[] | null;
  Warnings?: string[] | null;
}
// #endregion system-info-host

// #region system-df
/** `GET /system/df`. @schema GET /system/df 200 */
export interface SystemDataUsage {
  LayersSize: number;
  Images: ImageSummary[] | null;
  Containers: ContainerSummary[] | null;
  Volumes: { Name: string; UsageData?: { Size: number; RefCount: number } | null }[] | null;
  BuildCache: { ID: string; Size: number; InUse: boolean; Shared: boolean }[] | null;
}
// #endregion system-df

// #region event-message
/** One event of `GET /events`. @schema GET /events 200 */
export interface EventMessage {
  /** container, image, volume, network, daemon… */
  Type: string;
  /** create, start, die, destroy, pull, tag… */
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope?: 'local' | 'swarm';
  /** Seconds since the epoch. */
  time: number;
  timeNano: number;
}
// #endregion event-message
