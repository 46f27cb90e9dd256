// containers.ts — the container endpoints, one method each.
//
// Method names follow the docker CLI's verbs; options are the endpoint's
// query parameters with their swagger names (camelCased where the wire
// name is a single word in lower case, as `t` and `signal` already are).

import type { Readable } from 'node:stream';
import { Api, filtersParam, seg, type Filters } from './api.js';
import { readAll } from './transport.js';
import { jsonLines } from './json-stream.js';
import { AttachSession, ContainerOutput, framedByContentType } from './streams.js';
import type {
  ContainerCreateRequest, ContainerCreateResponse, ContainerInspect, ContainerPruneResponse, ContainerStats,
  ContainerSummary, ContainerTopResponse, ContainerUpdateResponse, ContainerWaitResponse, ExecCreateRequest,
  FilesystemChange, HostConfig, IdResponse,
} from './types/containers.js';

// #region containers-lifecycle
/** What every call may take: a signal that cancels it. */
export interface Cancellable {
  signal?: AbortSignal;
}

/** `next-exit` waits for the next exit even of a created container; `removed` for `--rm` to finish. */
export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

/** The `/containers` endpoints. */
export class Containers {
  constructor(private readonly api: Api) {}

  /** `GET /containers/json`: running containers, or all with `all`. */
  list(options: { all?: boolean; limit?: number; size?: boolean; filters?: Filters } & Cancellable = {}): Promise<ContainerSummary[]> {
    const query = { all: options.all || undefined, limit: options.limit, size: options.size || undefined, filters: filtersParam(options.filters) };
    return this.api.json('GET', '/containers/json', { query, signal: options.signal });
  }

  /** `POST /containers/create`: 404 (NotFoundError) when the image is not there. */
  create(config: ContainerCreateRequest, options: { name?: string; platform?: string } & Cancellable = {}): Promise<ContainerCreateResponse> {
    return this.api.json('POST', '/containers/create', { query: { name: options.name, platform: options.platform }, body: config, signal: options.signal });
  }

  /** `GET /containers/{id}/json`, by id, id prefix or name. */
  inspect(id: string, options: { size?: boolean } & Cancellable = {}): Promise<ContainerInspect> {
    return this.api.json('GET', `/containers/${seg(id)}/json`, { query: { size: options.size || undefined }, signal: options.signal });
  }

  /** `POST /containers/{id}/start`; starting a running container is not an error (304). */
  async start(id: string, options: { detachKeys?: string } & Cancellable = {}): Promise<void> {
    await readAll(await this.api.request('POST', `/containers/${seg(id)}/start`, { query: { detachKeys: options.detachKeys }, signal: options.signal }));
  }

  // #endregion containers-lifecycle

  // #region containers-signals
  /** `POST /containers/{id}/stop`: the stop signal, then SIGKILL after `timeout` seconds. */
  async stop(id: string, options: { timeout?: number; stopSignal?: string } & Cancellable = {}): Promise<void> {
    const query = { t: options.timeout, signal: options.stopSignal };
    await readAll(await this.api.request('POST', `/containers/${seg(id)}/stop`, { query, signal: options.signal }));
  }

  /** `POST /containers/{id}/restart`. */
  async restart(id: string, options: { timeout?: number; stopSignal?: string } & Cancellable = {}): Promise<void> {
    const query = { t: options.timeout, signal: options.stopSignal };
    await readAll(await this.api.request('POST', `/containers/${seg(id)}/restart`, { query, signal: options.signal }));
  }

  /** `POST /containers/{id}/kill`: SIGKILL, or the signal named. 409 when not running. */
  async kill(id: string, options: { killSignal?: string } & Cancellable = {}): Promise<void> {
    await readAll(await this.api.request('POST', `/containers/${seg(id)}/kill`, { query: { signal: options.killSignal }, signal: options.signal }));
  }

  // #endregion containers-signals

  // #region containers-state
  /** `DELETE /containers/{id}`: 409 when running, unless `force`. */
  async remove(id: string, options: { force?: boolean; volumes?: boolean } & Cancellable = {}): Promise<void> {
    const query = { force: options.force || undefined, v: options.volumes || undefined };
    await readAll(await this.api.request('DELETE', `/containers/${seg(id)}`, { query, signal: options.signal }));
  }

  /** `POST /containers/{id}/pause`: freezes every process (the cgroup freezer). */
  async pause(id: string, options: Cancellable = {}): Promise<void> {
    await readAll(await this.api.request('POST', `/containers/${seg(id)}/pause`, options));
  }

  /** `POST /containers/{id}/unpause`. */
  async unpause(id: string, options: Cancellable = {}): Promise<void> {
    await readAll(await this.api.request('POST', `/containers/${seg(id)}/unpause`, options));
  }

  /** `POST /containers/{id}/rename`. */
  async rename(id: string, name: string, options: Cancellable = {}): Promise<void> {
    await readAll(await this.api.request('POST', `/containers/${seg(id)}/rename`, { query: { name }, signal: options.signal }));
  }

  /** `POST /containers/{id}/update`: new limits for a container, running or not. */
  update(id: string, resources: HostConfig, options: Cancellable = {}): Promise<ContainerUpdateResponse> {
    return this.api.json('POST', `/containers/${seg(id)}/update`, { body: resources, signal: options.signal });
  }

  /** `POST /containers/prune`: removes every stopped container. */
  prune(options: { filters?: Filters } & Cancellable = {}): Promise<ContainerPruneResponse> {
    return this.api.json('POST', '/containers/prune', { query: { filters: filtersParam(options.filters) }, signal: options.signal });
  }
  // #endregion containers-state

  // #region containers-wait
  /** `POST /containers/{id}/wait`, resolved with the exit status when the condition is met. */
  async wait(id: string, options: { condition?: WaitCondition } & Cancellable = {}): Promise<ContainerWaitResponse> {
    return (await this.beginWait(id, options)).result;
  }

  /**
   * Starts waiting, and resolves once the daemon has taken the request (its
   * 200 headers came back); `result` then resolves at the exit. `run` must
   * wait this far before `start`, or a quick container could exit before
   * the daemon knew anyone waited for its `next-exit` (the Go client's
   * ContainerWait does the same).
   */
  async beginWait(id: string, options: { condition?: WaitCondition } & Cancellable = {}): Promise<{ result: Promise<ContainerWaitResponse> }> {
    const response = await this.api.request('POST', `/containers/${seg(id)}/wait`, { query: { condition: options.condition }, signal: options.signal });
    const result = readAll(response).then((body) => JSON.parse(body.toString('utf8')) as ContainerWaitResponse);
    result.catch(() => {}); // the caller may never look; an abort is not an unhandled rejection
    return { result };
  }
  // #endregion containers-wait

  // #region containers-streams
  /**
   * `POST /containers/{id}/attach`, hijacked: the container's stdio as a
   * two-way stream. `tty` says whether it has a terminal (raw bytes) or not
   * (frames); leave it out and it is asked of the daemon.
   */
  async attach(
    id: string,
    options: { stdin?: boolean; stdout?: boolean; stderr?: boolean; logs?: boolean; detachKeys?: string; tty?: boolean } & Cancellable = {},
  ): Promise<AttachSession> {
    const query = {
      logs: options.logs || undefined, stderr: options.stderr ?? true, stdin: options.stdin || undefined, stdout: options.stdout ?? true,
      stream: true, detachKeys: options.detachKeys,
    };
    const { socket, contentType } = await this.api.hijack('POST', `/containers/${seg(id)}/attach`, { query, signal: options.signal });
    let multiplexed = options.tty === undefined ? framedByContentType(contentType, await this.api.apiVersion()) : !options.tty;
    multiplexed ??= !(await this.inspect(id)).Config.Tty;
    return new AttachSession(socket, multiplexed);
  }

  /** `GET /containers/{id}/logs`: what the container wrote, and with `follow` what it goes on writing. */
  async logs(
    id: string,
    options: { follow?: boolean; stdout?: boolean; stderr?: boolean; since?: string; until?: string; timestamps?: boolean; tail?: string; tty?: boolean } & Cancellable = {},
  ): Promise<ContainerOutput> {
    const tty = options.tty ?? (await this.inspect(id, { signal: options.signal })).Config.Tty ?? false;
    const query = {
      follow: options.follow || undefined, stderr: options.stderr ?? true, stdout: options.stdout ?? true,
      since: options.since, until: options.until, timestamps: options.timestamps || undefined, tail: options.tail ?? 'all',
    };
    const response = await this.api.request('GET', `/containers/${seg(id)}/logs`, { query, signal: options.signal });
    return new ContainerOutput(response, !tty);
  }

  /** `POST /containers/{id}/resize`: the terminal's new size. */
  async resize(id: string, size: { height: number; width: number }, options: Cancellable = {}): Promise<void> {
    await readAll(await this.api.request('POST', `/containers/${seg(id)}/resize`, { query: { h: size.height, w: size.width }, signal: options.signal }));
  }
  // #endregion containers-streams

  // #region containers-inspection
  /** `GET /containers/{id}/top`: its processes, as `ps` (with `psArgs`) shows them. */
  top(id: string, options: { psArgs?: string } & Cancellable = {}): Promise<ContainerTopResponse> {
    return this.api.json('GET', `/containers/${seg(id)}/top`, { query: { ps_args: options.psArgs }, signal: options.signal });
  }

  /** `GET /containers/{id}/stats?stream=0`: one sample (the daemon waits for a second one to compute CPU use). */
  stats(id: string, options: { oneShot?: boolean } & Cancellable = {}): Promise<ContainerStats> {
    return this.api.json('GET', `/containers/${seg(id)}/stats`, { query: { stream: false, 'one-shot': options.oneShot || undefined }, signal: options.signal });
  }

  /** `GET /containers/{id}/stats`: a sample a second, until aborted or the container is gone. */
  async *statsStream(id: string, options: Cancellable = {}): AsyncGenerator<ContainerStats> {
    const response = await this.api.request('GET', `/containers/${seg(id)}/stats`, { query: { stream: true }, signal: options.signal });
    yield* jsonLines<ContainerStats>(response);
  }

  /** `GET /containers/{id}/changes`: the paths its own layer added, changed or deleted. */
  changes(id: string, options: Cancellable = {}): Promise<FilesystemChange[] | null> {
    return this.api.json('GET', `/containers/${seg(id)}/changes`, options);
  }

  /** `GET /containers/{id}/export`: its whole filesystem as a tar stream. */
  export(id: string, options: Cancellable = {}): Promise<Readable> {
    return this.api.request('GET', `/containers/${seg(id)}/export`, options);
  }
  // #endregion containers-inspection

  // #region containers-archive
  /**
   * `GET /containers/{id}/archive`: a path in the container as a tar stream,
   * and the path's stat, which the daemon sends base64-encoded JSON in the
   * `X-Docker-Container-Path-Stat` header.
   */
  async getArchive(id: string, path: string, options: Cancellable = {}): Promise<{ tar: Readable; stat: PathStat }> {
    const response = await this.api.request('GET', `/containers/${seg(id)}/archive`, { query: { path }, signal: options.signal });
    return { tar: response, stat: decodeStat(response.headers['x-docker-container-path-stat']) };
  }

  /** `HEAD /containers/{id}/archive`: the stat alone (404 when the path is not there). */
  async statPath(id: string, path: string, options: Cancellable = {}): Promise<PathStat> {
    const response = await this.api.request('HEAD', `/containers/${seg(id)}/archive`, { query: { path }, signal: options.signal });
    await readAll(response);
    return decodeStat(response.headers['x-docker-container-path-stat']);
  }

  /** `PUT /containers/{id}/archive`: unpacks a tar stream into a directory of the container. */
  async putArchive(id: string, path: string, tar: Readable | Buffer, options: { noOverwriteDirNonDir?: boolean; copyUIDGID?: boolean } & Cancellable = {}): Promise<void> {
    const query = { path, noOverwriteDirNonDir: options.noOverwriteDirNonDir || undefined, copyUIDGID: options.copyUIDGID || undefined };
    await readAll(await this.api.request('PUT', `/containers/${seg(id)}/archive`, { query, body: tar, contentType: 'application/x-tar', signal: options.signal }));
  }
  // #endregion containers-archive

  // #region containers-exec
  /** `POST /containers/{id}/exec`: prepares a process to run in the container (see Exec.start). */
  exec(id: string, config: ExecCreateRequest, options: Cancellable = {}): Promise<IdResponse> {
    return this.api.json('POST', `/containers/${seg(id)}/exec`, { body: config, signal: options.signal });
  }
}
// #endregion containers-exec

// #region path-stat
/** What `X-Docker-Container-Path-Stat` says about a path. */
export interface PathStat {
  name: string;
  size: number;
  /** Go's os.FileMode bits: the permission bits, plus 1<<31 for a directory, 1<<27 for a symlink. */
  mode: number;
  mtime: string;
  linkTarget: string;
}

function decodeStat(header: string | string[] | undefined): PathStat {
  const value = Array.isArray(header) ? header[0] : header;
  return JSON.parse(Buffer.from(value ?? 'e30=', 'base64').toString('utf8')) as PathStat;
}
// #endregion path-stat
