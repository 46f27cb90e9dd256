// backend.ts — what the container routes need from the daemon (moby's container router Backend).

import type { Readable, Writable } from 'node:stream';
import type { Filters } from '../../httputils/query.js';
import type { WaitCondition, WaitResult } from '../../../types/wait.js';

// #region container-backend
export interface ContainerBackend {
  containerCreate(body: unknown, name: string | null): Promise<{ Id: string; Warnings: string[] }>;
  containerInspect(ref: string): Record<string, unknown>;
  containers(options: { all: boolean; limit: number; size: boolean; filters: Filters }): Promise<Record<string, unknown>[]>;
  containerRm(ref: string, options: { force: boolean; removeVolumes: boolean }): Promise<void>;
  containerRename(ref: string, newName: string): void;
  containersPrune(filters: Filters): Promise<{ ContainersDeleted: string[]; SpaceReclaimed: number }>;
  /** Finds the container at once (so a 404 comes before any header); the wait is the promise it returns. */
  containerWait(ref: string, condition: WaitCondition): { result: Promise<WaitResult> };
}
// #endregion container-backend

// #region lifecycle-backend
/** Starting and stopping: each resolves once the container is in its new state. */
export interface LifecycleBackend {
  containerStart(ref: string): Promise<void>;
  /** `signal` (else the container's StopSignal), then SIGKILL after `timeout` seconds (else its StopTimeout, else 10). */
  containerStop(ref: string, options: { signal?: string; timeout?: number }): Promise<void>;
  containerKill(ref: string, signal: string): Promise<void>;
  containerRestart(ref: string, options: { signal?: string; timeout?: number }): Promise<void>;
  containerPause(ref: string): Promise<void>;
  containerUnpause(ref: string): Promise<void>;
  containerResize(ref: string, rows: number, cols: number): Promise<void>;
}
// #endregion lifecycle-backend

// #region attach-config
/** The client's end of an attach or exec: its input, if any, and where each output stream goes. */
export interface ClientStreams {
  stdin?: Readable;
  stdout: Writable;
  stderr: Writable;
}

/**
 * moby's ContainerAttachConfig: the backend checks the container first (an
 * error is still an ordinary HTTP answer), then asks for the streams —
 * which is when the route takes the connection over — and resolves when
 * the attach is over.
 */
export interface AttachConfig {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  /** Follow what the container prints from now on. */
  stream: boolean;
  /** Replay the log first. */
  logs: boolean;
  streams(multiplexed: boolean): ClientStreams;
  /** Aborted when the client hangs up. */
  signal: AbortSignal;
}

// #endregion attach-config

// #region logs-backend
export interface LogsOptions {
  stdout: boolean;
  stderr: boolean;
  follow: boolean;
  /** Unix seconds, with a fraction. */
  since?: number;
  until?: number;
  tail?: number;
}

/** One line of a container's log. */
export interface LogMessage {
  stream: 'stdout' | 'stderr';
  line: Buffer;
  /** RFC 3339 with up to nine digits of fraction. */
  time: string;
}

export interface StreamsBackend {
  containerAttach(ref: string, config: AttachConfig): Promise<void>;
  /** Finds the container (a 404 before any header), then the lines the query asks for. */
  containerLogs(ref: string, options: LogsOptions, signal: AbortSignal): Promise<{ tty: boolean; messages: AsyncIterable<LogMessage> }>;
}
// #endregion logs-backend

// #region inspect-backend
/** A path's stat, as the `X-Docker-Container-Path-Stat` header carries it. */
export interface PathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

export interface InspectBackend {
  /** `docker top`: ps's columns and rows for the container's processes. */
  containerTop(ref: string, psArgs: string): Promise<{ Titles: string[]; Processes: string[][] }>;
  /** Samples of moby's StatsJSON, one or a stream, until `signal` aborts. */
  containerStats(ref: string, options: { stream: boolean; oneShot: boolean }, signal: AbortSignal, send: (stats: unknown) => void): Promise<void>;
  /** `docker diff`: Kind 0 modified, 1 added, 2 deleted. */
  containerChanges(ref: string): Promise<{ Path: string; Kind: number }[]>;
  containerStatPath(ref: string, path: string): Promise<PathStat>;
  /** `docker cp CONTAINER:PATH -`: the stat first (a 404 before any byte), then the tar. */
  containerArchivePath(ref: string, path: string): Promise<{ stat: PathStat; write(out: Writable): Promise<void> }>;
  containerExtractToDir(ref: string, path: string, content: Readable, options: { noOverwriteDirNonDir: boolean }): Promise<void>;
  /** `docker export`: checks the container, then writes its filesystem as a tar. */
  containerExport(ref: string): Promise<{ write(out: Writable): Promise<void> }>;
  containerUpdate(ref: string, body: unknown): Promise<{ Warnings: string[] }>;
  containerCommit(ref: string, options: CommitOptions): Promise<{ Id: string }>;
}

export interface CommitOptions {
  repo?: string;
  tag?: string;
  comment?: string;
  author?: string;
  /** Dockerfile instructions (`-c 'CMD ["x"]'`) applied to the image's config. */
  changes: string[];
  pause: boolean;
  /** A container config to merge over the container's own (the request body). */
  config?: unknown;
}
// #endregion inspect-backend
