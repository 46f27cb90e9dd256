// service.ts — skiffd's DistributionBackend: pull, push, login and inspect over the image store.

import { join } from 'node:path';
import { InvalidArgumentError, NotFoundError } from '../../01-namespaces/index.js';
import { familiarString, parseReference, type ImageRef, type ImageStore } from '../../02-images/index.js';
import { HttpStatusError, registryHost, type AuthConfig, type Daemon, type DistributionBackend, type PushResult } from '../../03-daemon/index.js';
import { BlobFetcher } from './download.js';
import type { HostsConfig } from './endpoints.js';
import { RemoteError } from './errors.js';
import type { Progress } from './progress.js';
import { pullImage } from './pull.js';
import { pushImage } from './push.js';
import { RegistrySession } from './session.js';
import { BlobSources } from './sources.js';
import { inspectRemote } from './inspect.js';

// #region service
export interface DistributionOptions {
  hosts: HostsConfig;
  /** Blobs larger than this are pushed in chunks of this size (default 16 MiB). */
  chunkSize?: number;
}

export class DistributionService implements DistributionBackend {
  private readonly store: ImageStore;
  private readonly fetcher: BlobFetcher;
  private readonly sources: BlobSources;

  constructor(private readonly daemon: Daemon, private readonly options: DistributionOptions) {
    this.store = daemon.engine.images;
    const dir = join(daemon.config.dataRoot, 'distribution');
    this.fetcher = new BlobFetcher(this.store.content, join(dir, 'partials'));
    this.sources = new BlobSources(join(dir, 'sources'));
  }

  /** One session per request: the credentials are the request's own. */
  private session(domain: string, auth: AuthConfig, offline = false): RegistrySession {
    return new RegistrySession(domain, this.options.hosts, {
      username: auth.username, password: auth.password, registryToken: auth.registrytoken, identityToken: auth.identitytoken, offline,
    });
  }
  // #endregion service

  // #region service-pull
  async pull(reference: string, auth: AuthConfig, progress: Progress, signal: AbortSignal): Promise<void> {
    const ref = parseReference(reference);
    try {
      const pulled = await pullImage(this.session(ref.domain, auth), ref, { store: this.store, fetcher: this.fetcher, sources: this.sources, progress, signal });
      const name = familiarString(ref);
      progress({ status: `Digest: ${pulled.digest}` });
      progress({ status: pulled.fresh ? `Status: Downloaded newer image for ${name}` : `Status: Image is up to date for ${name}` });
      this.daemon.events.log('image', 'pull', name, { name });
    } catch (err) {
      throw explain(err, ref, 'pull');
    }
  }
  // #endregion service-pull

  // #region service-push
  /** Every tag of the repository when no tag is given, as `docker push --all-tags` (and API clients) expect. */
  async push(name: string, tag: string, auth: AuthConfig, progress: Progress, signal: AbortSignal): Promise<PushResult[]> {
    const ref = parseReference(name, { defaultTag: false });
    if (ref.digest) throw new InvalidArgumentError(`cannot push a digest reference: ${name}`);
    const repository = `${ref.domain}/${ref.path}`;
    const wanted = tag || ref.tag;
    const images = (await this.store.list()).filter((r) => r.name.startsWith(`${repository}:`) && (!wanted || r.name === `${repository}:${wanted}`));
    if (images.length === 0) throw new NotFoundError(`An image does not exist locally with the tag: ${familiarString({ ...ref, tag: wanted })}`);
    progress({ status: `The push refers to repository [${repository}]` });
    const session = this.session(ref.domain, auth);
    const ctx = { store: this.store, sources: this.sources, progress, signal, chunkSize: this.options.chunkSize ?? 16 << 20 };
    const pushed: PushResult[] = [];
    try {
      for (const image of images.sort((a, b) => a.name.localeCompare(b.name))) {
        const result = await pushImage(session, ref.path, image.name.slice(repository.length + 1), image, ctx);
        await this.store.addRepoDigest(image.name, `${repository}@${result.digest}`);
        pushed.push(result);
        this.daemon.events.log('image', 'push', familiarString(parseReference(image.name)), { name: familiarString(parseReference(image.name)) });
      }
    } catch (err) {
      throw explain(err, ref, 'push');
    }
    return pushed;
  }
  // #endregion service-push

  // #region service-login
  /**
   * `docker login`: the version check with the credentials, which for a
   * token registry means a token fetched with them (moby's `loginV2`). A
   * refresh token, if the token server gives one, goes back as the
   * IdentityToken: the CLI keeps it in place of the password.
   */
  async login(auth: AuthConfig): Promise<{ Status: string; IdentityToken: string }> {
    const domain = registryHost(auth.serveraddress);
    const session = this.session(domain, auth, true);
    try {
      const res = await session.request('GET', '/v2/', { scopes: [] });
      res.resume();
      if (res.statusCode !== 200) throw new HttpStatusError(401, `login attempt to ${domain} failed with status: ${res.statusCode} ${res.statusMessage}`);
    } catch (err) {
      if (err instanceof RemoteError) throw new HttpStatusError(401, err.message);
      throw err;
    }
    return { Status: 'Login Succeeded', IdentityToken: session.refreshToken ?? '' };
  }

  async inspect(name: string, auth: AuthConfig): Promise<Record<string, unknown>> {
    const ref = parseReference(name);
    try {
      return await inspectRemote(this.session(ref.domain, auth), ref);
    } catch (err) {
      throw explain(err, ref, 'pull');
    }
  }
  // #endregion service-login
}

// #region explain
/** A registry's refusal in the words and statuses dockerd uses for them. */
function explain(err: unknown, ref: ImageRef, doing: 'pull' | 'push'): unknown {
  if (!(err instanceof RemoteError)) return err;
  const repository = doing === 'pull' ? familiarString({ ...ref, tag: undefined, digest: undefined }) : `${ref.domain}/${ref.path}`;
  if (err.code === 'DENIED' || err.code === 'UNAUTHORIZED' || err.status === 401 || err.status === 403) {
    const advice = doing === 'pull' ? `pull access denied for ${repository}, repository does not exist or may require 'docker login'` : `push access denied for ${repository}`;
    return doing === 'pull' ? new NotFoundError(`${advice}: ${err.message}`) : new HttpStatusError(401, `${advice}: ${err.message}`);
  }
  if (err.status === 404) return new NotFoundError(err.message);
  return err;
}
// #endregion explain
