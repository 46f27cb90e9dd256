// session.ts — talking to one registry: the endpoint that answers, and the credentials each request needs.

import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { parseChallenge, type Challenge } from './challenge.js';
import { endpointsFor, unreachableMessage, type Endpoint, type HostsConfig } from './endpoints.js';
import { remoteError, RemoteError, UnreachableError } from './errors.js';
import { readAll, send } from './http.js';

// #region session
export interface Credentials {
  username?: string;
  password?: string;
  /** A bearer token to send as it is (moby's `registrytoken`). */
  registryToken?: string;
  /** A refresh token from an earlier login (moby's `identitytoken`): traded for access tokens in place of a password. */
  identityToken?: string;
  /** Ask the token server for a refresh token as well (a login does). */
  offline?: boolean;
}

export interface RequestOptions {
  /** The token scopes the request needs: `repository:library/busybox:pull`. */
  scopes: string[];
  headers?: OutgoingHttpHeaders;
  /** A body; a function for a stream, so that a retry after a 401 can send it again. */
  body?: Buffer | (() => Readable);
  signal?: AbortSignal;
}

export class RegistrySession {
  private endpoint?: Endpoint;
  private challenge?: Challenge;
  private readonly tokens = new Map<string, { token: string; expires: number }>();
  /** The refresh token the token server gave, when one was asked for. */
  refreshToken?: string;

  constructor(readonly domain: string, private readonly hosts: HostsConfig, private readonly credentials: Credentials = {}) {}
  // #endregion session

  // #region version-check

  /**
   * The version check, `GET /v2/`, on each endpoint in turn: the first that
   * answers 200 or 401 is the registry, and its 401 carries the challenge
   * that says how to authenticate (distribution's `ping`).
   */
  async open(signal?: AbortSignal): Promise<Endpoint> {
    if (this.endpoint) return this.endpoint;
    const failures: string[] = [];
    for (const candidate of endpointsFor(this.domain, this.hosts)) {
      const url = new URL('/v2/', candidate.url);
      try {
        const res = await send({ method: 'GET', url, insecure: candidate.insecure, signal });
        await readAll(res);
        if (res.statusCode !== 200 && res.statusCode !== 401) throw new Error(`answered ${res.statusCode}, not a registry`);
        this.challenge = parseChallenge(res.headers['www-authenticate'] as string | undefined);
        return (this.endpoint = candidate);
      } catch (err) {
        if (signal?.aborted) throw err;
        failures.push(`${url}: ${(err as Error).message}`);
      }
    }
    throw new UnreachableError(unreachableMessage(this.domain, failures));
  }
  // #endregion version-check

  // #region request
  /**
   * One request with the credentials it needs. A 401 means the token did
   * not cover the request (or expired): the challenge it carries is read,
   * a fresh token fetched, and the request sent once more.
   */
  async request(method: string, target: string, options: RequestOptions): Promise<IncomingMessage> {
    const endpoint = await this.open(options.signal);
    let url = new URL(target, endpoint.url);
    for (let attempt = 0, redirects = 0; ; ) {
      const sameOrigin = url.origin === endpoint.url.origin;
      const authorization = sameOrigin ? await this.authorization(options.scopes, attempt > 0) : undefined;
      const body = typeof options.body === 'function' ? options.body() : options.body;
      const res = await send({
        method, url, body, insecure: endpoint.insecure, signal: options.signal,
        headers: { ...options.headers, ...(authorization ? { Authorization: authorization } : {}) },
      });
      const status = res.statusCode ?? 0;
      // A blob may live elsewhere (a CDN): follow, without our credentials if it is another host.
      if ([301, 302, 303, 307, 308].includes(status) && (method === 'GET' || method === 'HEAD') && redirects++ < 5) {
        res.resume();
        url = new URL(res.headers.location!, url);
        continue;
      }
      if (status !== 401 || attempt++ > 0 || !sameOrigin) return res;
      this.challenge = parseChallenge(res.headers['www-authenticate'] as string | undefined) ?? this.challenge;
      res.resume();
    }
  }
  // #endregion request

  // #region authorization
  /** The Authorization header for these scopes: Basic as it is, Bearer from the token server. */
  private async authorization(scopes: string[], fresh: boolean): Promise<string | undefined> {
    const { username, password, registryToken } = this.credentials;
    if (registryToken) return `Bearer ${registryToken}`;
    if (!this.challenge) return undefined;
    if (this.challenge.scheme === 'basic') {
      return username ? `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}` : undefined;
    }
    const key = [...scopes].sort().join(' ');
    const cached = this.tokens.get(key);
    if (cached && !fresh && cached.expires > Date.now()) return `Bearer ${cached.token}`;
    const { token, expiresIn } = await this.fetchToken(this.challenge, scopes);
    this.tokens.set(key, { token, expires: Date.now() + expiresIn * 1000 - 5000 });
    return `Bearer ${token}`;
  }

  // #endregion authorization

  // #region fetch-token
  /**
   * Docker's token spec: `GET realm?service=…&scope=…&account=…` with Basic
   * credentials when there are any, anonymously when not — or, with a
   * refresh token, its OAuth2 form: a POST with `grant_type=refresh_token`.
   * `expires_in` defaults to 60 s, and less than 60 is read as 60, as docker
   * does. A login adds `offline_token=true`, and keeps the refresh token
   * that comes back.
   */
  private async fetchToken(challenge: Challenge, scopes: string[]): Promise<{ token: string; expiresIn: number }> {
    const realm = new URL(challenge.params.realm ?? '');
    const params = realm.searchParams;
    if (challenge.params.service) params.set('service', challenge.params.service);
    const { username, password, identityToken, offline } = this.credentials;
    params.set('client_id', 'skiffd');
    if (offline) params.set(identityToken ? 'access_type' : 'offline_token', identityToken ? 'offline' : 'true');
    let res;
    if (identityToken) {
      const form = new URLSearchParams(params);
      form.set('grant_type', 'refresh_token');
      form.set('refresh_token', identityToken);
      if (scopes.length > 0) form.set('scope', scopes.join(' '));
      const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
      res = await send({ method: 'POST', url: new URL(realm.pathname, realm), headers, body: Buffer.from(form.toString()), insecure: this.endpoint?.insecure });
    } else {
      for (const scope of scopes) params.append('scope', scope);
      if (username) params.set('account', username);
      const headers = username ? { Authorization: `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}` } : undefined;
      res = await send({ method: 'GET', url: realm, headers, insecure: this.endpoint?.insecure });
    }
    if (res.statusCode !== 200) {
      const err = await remoteError(res, `getting a token from ${realm.origin}${realm.pathname}`);
      throw new RemoteError(res.statusCode === 401 ? 401 : err.status, 'UNAUTHORIZED', err.message);
    }
    const body = JSON.parse((await readAll(res)).toString('utf8')) as { token?: string; access_token?: string; expires_in?: number; refresh_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new RemoteError(500, 'UNAUTHORIZED', `the token server at ${realm.origin} answered without a token`);
    if (body.refresh_token) this.refreshToken = body.refresh_token;
    return { token, expiresIn: Math.max(body.expires_in ?? 60, 60) };
  }
  // #endregion fetch-token
}
