// backend.ts — what pull, push and login need from a registry client (moby's distribution Backend).

import type { JsonMessage } from '../../httputils/json-stream.js';

// #region distribution-backend
/**
 * The credentials a client sends in `X-Registry-Auth` (pull, push) or as
 * the body of `POST /auth` (login): moby's `registry.AuthConfig`.
 */
export interface AuthConfig {
  username?: string;
  password?: string;
  serveraddress?: string;
  /** A refresh token a token server gave at login (OAuth2). */
  identitytoken?: string;
  /** A bearer token to send as it is. */
  registrytoken?: string;
}

export interface PushResult {
  tag: string;
  digest: string;
  size: number;
}

/**
 * The daemon's side of the Distribution Spec. This chapter only routes to
 * it: a daemon without one answers 501, and a later chapter plugs one in.
 */
export interface DistributionBackend {
  /** `docker pull`: progress as it happens; the image is in the store when it resolves. */
  pull(reference: string, auth: AuthConfig, progress: (m: JsonMessage) => void, signal: AbortSignal): Promise<void>;
  /** `docker push`: every tag of `name` when `tag` is empty. */
  push(name: string, tag: string, auth: AuthConfig, progress: (m: JsonMessage) => void, signal: AbortSignal): Promise<PushResult[]>;
  /** `docker login`: checks the credentials against the registry. */
  login(auth: AuthConfig): Promise<{ Status: string; IdentityToken: string }>;
  /** `GET /distribution/{name}/json`: the registry's descriptor and platforms for a name. */
  inspect(name: string, auth: AuthConfig): Promise<Record<string, unknown>>;
}
// #endregion distribution-backend
