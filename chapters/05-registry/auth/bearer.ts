// bearer.ts — every request checked against the token it carries.

import type { IncomingMessage } from 'node:http';
import { RegistryError } from '../errors.js';
import type { Access, AccessController, Action, Grant } from '../api/index.js';
import { formatScope } from './scopes.js';
import type { TokenClaims, Tokens } from './tokens.js';

// #region bearer
export class BearerAccess implements AccessController {
  constructor(private readonly tokens: Tokens, private readonly realm: (req: IncomingMessage) => string) {}

  async authorize(req: IncomingMessage, needed: Access[]): Promise<Grant> {
    if (needed.length === 0) return { allows: () => false }; // a public route: /healthz, /token
    const header = req.headers.authorization;
    const claims = header?.startsWith('Bearer ') ? await this.tokens.verify(header.slice(7).trim()) : undefined;
    if (!claims) throw this.challenge(req, needed, 'UNAUTHORIZED', 'authentication required');
    const grant = grantOf(claims);
    const denied = needed.some((n) => n.actions.some((a) => !grant.allows(n.type, n.name, a)));
    if (denied) throw this.challenge(req, needed, 'DENIED', 'requested access to the resource is denied', 'insufficient_scope');
    return grant;
  }

  private challenge(req: IncomingMessage, needed: Access[], code: 'UNAUTHORIZED' | 'DENIED', message: string, error?: string): RegistryError {
    const scopes = needed.filter((n) => n.actions.length > 0).map(formatScope);
    const params = [`realm="${this.realm(req)}"`, `service="${this.tokens.settings.service}"`];
    if (scopes.length) params.push(`scope="${scopes.join(' ')}"`);
    if (error) params.push(`error="${error}"`);
    return new RegistryError(401, code, message, null, { 'WWW-Authenticate': `Bearer ${params.join(',')}` });
  }
}

/** The token's `access` claim as a question that can be asked. */
function grantOf(claims: TokenClaims): Grant {
  return {
    allows: (type, name, action: Action) =>
      claims.access.some((a) => a.type === type && a.name === name && (a.actions.includes(action) || a.actions.includes('*'))),
  };
}
// #endregion bearer
