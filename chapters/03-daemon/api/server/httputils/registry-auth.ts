// registry-auth.ts — the X-Registry-Auth header: credentials the CLI forwards for pull and push.

import { InvalidArgumentError } from '../../../../01-namespaces/index.js';
import { parseReference } from '../../../../02-images/index.js';
import type { AuthConfig } from '../router/distribution/backend.js';

// #region registry-auth
/**
 * The CLI sends base64url of a JSON AuthConfig — `e30=` (`{}`) when it
 * has no credentials for the registry. Node's base64 decoder takes both
 * alphabets, so the older standard-base64 clients are read alike.
 */
export function registryAuth(header: string | string[] | undefined): AuthConfig {
  const parsed = base64Json(header, 'X-Registry-Auth');
  return parsed === undefined ? {} : authConfig(parsed, 'X-Registry-Auth header');
}

function base64Json(header: string | string[] | undefined, name: string): unknown {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  try {
    return JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
  } catch {
    throw new InvalidArgumentError(`invalid ${name} header: not base64 of a JSON object`);
  }
}

/** An AuthConfig from parsed JSON (the header's, or `POST /auth`'s body); unknown keys are ignored, as Go's decoder does. */
export function authConfig(parsed: unknown, where: string): AuthConfig {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidArgumentError(`invalid ${where}: not a JSON object`);
  }
  const text = (key: string): string | undefined => {
    const v = (parsed as Record<string, unknown>)[key];
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  return {
    username: text('username'), password: text('password'), serveraddress: text('serveraddress'),
    identitytoken: text('identitytoken'), registrytoken: text('registrytoken'),
  };
}
// #endregion registry-auth

// #region registry-config
/**
 * `POST /build`'s X-Registry-Config: the same encoding, holding one
 * AuthConfig per registry the CLI has credentials for, keyed by its
 * address (`127.0.0.1:5000`, or Docker Hub's `https://index.docker.io/v1/`).
 */
export function registryConfig(header: string | string[] | undefined): Record<string, AuthConfig> {
  const parsed = base64Json(header, 'X-Registry-Config');
  if (parsed === undefined || parsed === null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidArgumentError('invalid X-Registry-Config header: not a JSON object');
  return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, authConfig(value, `X-Registry-Config entry ${key}`)]));
}

/** The credentials for the registry a reference names (moby's ResolveAuthConfig), or none. */
export function authFor(auths: Record<string, AuthConfig>, reference: string): AuthConfig {
  const domain = parseReference(reference).domain;
  const key = Object.keys(auths).find((k) => registryHost(k) === domain);
  return key === undefined ? {} : { ...auths[key], serveraddress: auths[key]!.serveraddress ?? key };
}

/** A server address as the CLI sends it (`127.0.0.1:5000`, or Docker Hub's legacy URL) as a reference's domain. */
export function registryHost(address: string | undefined): string {
  const host = (address ?? '').replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  return host === '' || host === 'index.docker.io' || host === 'registry-1.docker.io' ? 'docker.io' : host;
}
// #endregion registry-config
