// registry-auth.ts — the X-Registry-Auth header: credentials the CLI forwards for pull and push.

import { InvalidArgumentError } from '../../../../01-namespaces/index.js';
import type { AuthConfig } from '../router/distribution/backend.js';

// #region registry-auth
/**
 * The CLI sends base64url of a JSON AuthConfig — `e30=` (`{}`) when it
 * has no credentials for the registry. Node's base64 decoder takes both
 * alphabets, so the older standard-base64 clients are read alike.
 */
export function registryAuth(header: string | string[] | undefined): AuthConfig {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
  } catch {
    throw new InvalidArgumentError('invalid X-Registry-Auth header: not base64 of a JSON object');
  }
  return authConfig(parsed, 'X-Registry-Auth header');
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
