// index.ts — the auth section: the token endpoint and the checks that use it,

import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import type { AccessController, Route } from '../api/index.js';
import { parseDuration, type RegistryConfig } from '../config.js';
import { AccessRules } from './access-rules.js';
import { BearerAccess } from './bearer.js';
import { Htpasswd } from './htpasswd.js';
import { tokenRoutes } from './token-route.js';
import { loadOrCreateKey, Tokens } from './tokens.js';

// #region setup-auth
export { Htpasswd } from './htpasswd.js';

/**
 * The access controller and the token route for a config's `auth`. The
 * realm is the config's, or this registry's own `/token` on the host and
 * scheme the client used to reach it. The htpasswd file is read again when
 * it changes, so `skiff-registry adduser` needs no restart.
 */
export async function setupAuth(
  auth: NonNullable<RegistryConfig['auth']>, options: { storage: string; secure: boolean },
): Promise<{ access: AccessController; routes: Route[] }> {
  let users = Htpasswd.load(auth.htpasswd);
  let seen = statSync(auth.htpasswd).mtimeMs;
  const currentUsers = () => {
    const mtime = statSync(auth.htpasswd).mtimeMs;
    if (mtime !== seen) [users, seen] = [Htpasswd.load(auth.htpasswd), mtime];
    return users;
  };
  const key = await loadOrCreateKey(auth.token.key ?? join(options.storage, 'auth', 'token-key.pem'));
  const expirySeconds = Math.max(1, Math.round(parseDuration(auth.token.expiry) / 1000));
  const refreshSeconds = Math.max(1, Math.round(parseDuration(auth.token.refreshExpiry) / 1000));
  const tokens = new Tokens(key, { issuer: auth.token.issuer, service: auth.token.service, expirySeconds, refreshSeconds });
  const realm = (req: IncomingMessage) =>
    auth.token.realm ?? `${options.secure ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}/token`;
  const rules = new AccessRules(auth.access, auth.anonymousPull);
  return { access: new BearerAccess(tokens, realm), routes: tokenRoutes(tokens, currentUsers, rules) };
}
// #endregion setup-auth
