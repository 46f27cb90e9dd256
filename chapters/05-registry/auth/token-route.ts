// token-route.ts — the token endpoint: credentials in, a signed token out.

import type { IncomingMessage } from 'node:http';
import { RegistryError } from '../errors.js';
import { noAccess, route, sendJson, type Route } from '../api/index.js';
import { AccessRules, ANONYMOUS } from './access-rules.js';
import type { Htpasswd } from './htpasswd.js';
import { parseScopes } from './scopes.js';
import type { Tokens } from './tokens.js';

// #region token-route
export function tokenRoutes(tokens: Tokens, users: () => Htpasswd, rules: AccessRules): Route[] {
  const answer = async (req: IncomingMessage, form: URLSearchParams, res: Parameters<Route['handler']>[0]['res']) => {
    const service = form.get('service');
    if (service !== null && service !== tokens.settings.service) {
      throw new RegistryError(400, 'UNSUPPORTED', `this token server issues tokens for ${JSON.stringify(tokens.settings.service)}, not ${JSON.stringify(service)}`);
    }
    const subject = await authenticate(req, form, users(), tokens);
    const access = rules.grant(subject, parseScopes(form.getAll('scope'))).filter((a) => a.actions.length > 0);
    const { token, expiresIn, issuedAt } = await tokens.issue(subject, access);
    const answer: Record<string, unknown> = { token, access_token: token, expires_in: expiresIn, issued_at: issuedAt.toISOString() };
    // A refresh token only when asked (`offline_token=true` on GET, `access_type=offline` on POST) and for a real user.
    if (subject !== ANONYMOUS && (form.get('offline_token') === 'true' || form.get('access_type') === 'offline')) {
      answer.refresh_token = await tokens.issueRefresh(subject);
    }
    sendJson(res, 200, answer, { 'Cache-Control': 'no-store' });
  };
  return [
    route('GET', '/token', noAccess, ({ req, res, query }) => answer(req, query, res)),
    route('POST', '/token', noAccess, async ({ req, res }) => answer(req, await readForm(req), res)),
  ];
}
// #endregion token-route

// #region authenticate
/**
 * Who is asking: a user whose password checks out, one whose refresh token
 * does (and who is still in the htpasswd file), or `anonymous` if no
 * credentials came.
 */
async function authenticate(req: IncomingMessage, form: URLSearchParams, users: Htpasswd, tokens: Tokens): Promise<string> {
  let user: string | undefined;
  let password: string | undefined;
  const header = req.headers.authorization;
  if (header?.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    [user, password] = colon < 0 ? [decoded, ''] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
  } else if (form.get('grant_type') === 'password') {
    [user, password] = [form.get('username') ?? '', form.get('password') ?? ''];
  } else if (form.get('grant_type') === 'refresh_token') {
    const subject = await tokens.verifyRefresh(form.get('refresh_token') ?? '');
    if (subject === undefined || !users.has(subject)) throw new RegistryError(401, 'UNAUTHORIZED', 'authentication failed: invalid or expired refresh token');
    return subject;
  } else if (form.has('grant_type')) {
    throw new RegistryError(400, 'UNSUPPORTED', `grant_type ${form.get('grant_type')} is not supported: use password or refresh_token`);
  }
  if (user === undefined) return ANONYMOUS;
  if (user === ANONYMOUS || !(await users.verify(user, password ?? ''))) {
    throw new RegistryError(401, 'UNAUTHORIZED', 'authentication failed: wrong user name or password', undefined, {
      'WWW-Authenticate': 'Basic realm="skiff-registry"',
    });
  }
  return user;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let text = '';
  for await (const chunk of req) {
    text += (chunk as Buffer).toString('utf8');
    if (text.length > 64 << 10) throw new RegistryError(413, 'SIZE_INVALID', 'token request too large');
  }
  return new URLSearchParams(text);
}
// #endregion authenticate
