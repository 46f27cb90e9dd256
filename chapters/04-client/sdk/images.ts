// images.ts — the image endpoints.
//
// Four of them answer with a progress stream rather than one JSON value —
// build, pull, push, load, and import — and those return an async iterator
// of JsonMessage: the caller renders progress as it comes, and a failure
// half-way (an `errorDetail`) is thrown from the loop.

import type { Readable } from 'node:stream';
import { Api, filtersParam, imagePath, type Filters } from './api.js';
import { readAll } from './transport.js';
import { progressMessages, type JsonMessage } from './json-stream.js';
import type { Cancellable } from './containers.js';
import type { ContainerConfig, IdResponse } from './types/containers.js';
import type { ImageDeleteResponseItem, ImageHistoryItem, ImageInspect, ImagePruneResponse, ImageSummary } from './types/images.js';

// #region registry-auth
/** A registry login, sent base64url-encoded in `X-Registry-Auth`. */
export interface RegistryAuth {
  username?: string;
  password?: string;
  serveraddress?: string;
  identitytoken?: string;
}

/** `X-Registry-Auth`: base64url of the JSON (`{}` when anonymous, as the CLI sends). */
export const registryAuthHeader = (auth: RegistryAuth = {}): string => Buffer.from(JSON.stringify(auth)).toString('base64url');
// #endregion registry-auth

// #region images-read
/** The `/images` endpoints, and `/build` and `/commit`. */
export class Images {
  constructor(private readonly api: Api) {}

  /** `GET /images/json`. */
  list(options: { all?: boolean; filters?: Filters; digests?: boolean } & Cancellable = {}): Promise<ImageSummary[]> {
    const query = { all: options.all || undefined, filters: filtersParam(options.filters), digests: options.digests || undefined };
    return this.api.json('GET', '/images/json', { query, signal: options.signal });
  }

  /** `GET /images/{name}/json`, by reference, id or id prefix. */
  inspect(name: string, options: Cancellable = {}): Promise<ImageInspect> {
    return this.api.json('GET', `/images/${imagePath(name)}/json`, options);
  }

  /** `GET /images/{name}/history`: its layers, newest first. */
  history(name: string, options: Cancellable = {}): Promise<ImageHistoryItem[]> {
    return this.api.json('GET', `/images/${imagePath(name)}/history`, options);
  }

  /** `GET /images/get?names=…`: images as a `docker save` tar stream. */
  save(names: string[], options: Cancellable = {}): Promise<Readable> {
    return this.api.request('GET', '/images/get', { query: { names }, signal: options.signal });
  }
  // #endregion images-read

  // #region images-write
  /** `POST /images/{name}/tag`: another name for the same image. */
  async tag(name: string, target: { repo: string; tag?: string }, options: Cancellable = {}): Promise<void> {
    await readAll(await this.api.request('POST', `/images/${imagePath(name)}/tag`, { query: target, signal: options.signal }));
  }

  /** `DELETE /images/{name}`: untags, and deletes what no name holds any more. */
  remove(name: string, options: { force?: boolean; noPrune?: boolean } & Cancellable = {}): Promise<ImageDeleteResponseItem[]> {
    const query = { force: options.force || undefined, noprune: options.noPrune || undefined };
    return this.api.json('DELETE', `/images/${imagePath(name)}`, { query, signal: options.signal });
  }

  /** `POST /images/prune`: dangling images, or with `dangling=false` every unused one. */
  prune(options: { filters?: Filters } & Cancellable = {}): Promise<ImagePruneResponse> {
    return this.api.json('POST', '/images/prune', { query: { filters: filtersParam(options.filters) }, signal: options.signal });
  }

  /** `POST /commit`: a container's layer as a new image. */
  commit(
    container: string,
    options: { repo?: string; tag?: string; comment?: string; author?: string; pause?: boolean; changes?: string[]; config?: ContainerConfig } & Cancellable = {},
  ): Promise<IdResponse> {
    const query = {
      container, repo: options.repo, tag: options.tag, comment: options.comment, author: options.author,
      pause: options.pause ?? true, changes: options.changes,
    };
    return this.api.json('POST', '/commit', { query, body: options.config ?? {}, signal: options.signal });
  }
  // #endregion images-write

  // #region images-streams
  /**
   * `POST /build` with a tar of the context: the legacy builder's progress
   * (`stream` lines, a base image's pull, then `aux.ID`); `auths` are the
   * logins, by registry, the daemon may use to pull base images.
   */
  async *build(
    context: Readable | Buffer,
    options: {
      tags?: string[]; dockerfile?: string; buildArgs?: Record<string, string>; noCache?: boolean; labels?: Record<string, string>; quiet?: boolean;
      auths?: Record<string, RegistryAuth>;
    } & Cancellable = {},
  ): AsyncGenerator<JsonMessage> {
    const query = {
      t: options.tags, dockerfile: options.dockerfile ?? 'Dockerfile', q: options.quiet || undefined, nocache: options.noCache || undefined,
      buildargs: options.buildArgs && JSON.stringify(options.buildArgs), labels: options.labels && JSON.stringify(options.labels), version: '1',
    };
    const response = await this.api.request('POST', '/build', {
      query, body: context, contentType: 'application/x-tar', headers: { 'X-Registry-Config': Buffer.from(JSON.stringify(options.auths ?? {})).toString('base64url') }, signal: options.signal,
    });
    yield* progressMessages(response);
  }

  /** `POST /images/load` with a `docker save` archive. */
  async *load(archive: Readable | Buffer, options: { quiet?: boolean } & Cancellable = {}): AsyncGenerator<JsonMessage> {
    const response = await this.api.request('POST', '/images/load', { query: { quiet: options.quiet || undefined }, body: archive, contentType: 'application/x-tar', signal: options.signal });
    yield* progressMessages(response);
  }

  // #endregion images-streams

  // #region images-registry
  /** `POST /images/create?fromSrc=-`: a root filesystem tar as a one-layer image. */
  async *import(
    tar: Readable | Buffer,
    options: { repo?: string; tag?: string; message?: string; changes?: string[] } & Cancellable = {},
  ): AsyncGenerator<JsonMessage> {
    const query = { fromSrc: '-', repo: options.repo, tag: options.tag, message: options.message, changes: options.changes };
    const response = await this.api.request('POST', '/images/create', { query, body: tar, contentType: 'application/x-tar', signal: options.signal });
    yield* progressMessages(response);
  }

  /** `POST /images/create?fromImage=…`: pulls from a registry. */
  async *pull(image: string, tag: string, options: { auth?: RegistryAuth; platform?: string } & Cancellable = {}): AsyncGenerator<JsonMessage> {
    const response = await this.api.request('POST', '/images/create', {
      query: { fromImage: image, tag, platform: options.platform }, headers: { 'X-Registry-Auth': registryAuthHeader(options.auth) }, signal: options.signal,
    });
    yield* progressMessages(response);
  }

  /** `POST /images/{name}/push`: pushes a tag to its registry. */
  async *push(name: string, tag: string | undefined, options: { auth?: RegistryAuth } & Cancellable = {}): AsyncGenerator<JsonMessage> {
    const response = await this.api.request('POST', `/images/${imagePath(name)}/push`, {
      query: { tag }, headers: { 'X-Registry-Auth': registryAuthHeader(options.auth) }, signal: options.signal,
    });
    yield* progressMessages(response);
  }
}
// #endregion images-registry
