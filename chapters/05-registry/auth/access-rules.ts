// access-rules.ts — who may do what to which repository.

import type { AccessRule } from '../config.js';
import type { Access, Action } from '../api/index.js';
import { expandActions } from './scopes.js';

// #region rules
export const ANONYMOUS = 'anonymous';

/** `*` matches within one path component, `**` across them. */
function patternRe(pattern: string): RegExp {
  const body = pattern.split('**').map((part) => part.split('*').map(escape).join('[^/]*')).join('.*');
  return new RegExp(`^${body}$`);
}
const escape = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

export class AccessRules {
  constructor(private readonly rules: AccessRule[] | undefined, private readonly anonymousPull: boolean) {}

  /** The actions `user` may take on one resource. */
  allowed(user: string, type: Access['type'], name: string): Action[] {
    const signedIn = user !== ANONYMOUS;
    const granted: Action[] = this.anonymousPull && type === 'repository' ? ['pull'] : [];
    if (this.rules === undefined) return signedIn ? ['pull', 'push', 'delete'] : granted;
    for (const rule of this.rules) {
      const forUser = rule.users.includes(user) || (signedIn && rule.users.includes('*'));
      if (!forUser) continue;
      // The catalog lists every repository, so it is for those who may pull from all of them.
      const matches = type === 'registry' ? name === 'catalog' && rule.repository === '**' : patternRe(rule.repository).test(name);
      if (matches) granted.push(...expandActions(rule.actions));
    }
    return [...new Set(granted)];
  }

  /** What a token may carry: the actions asked for that the rules allow. */
  grant(user: string, wanted: Access[]): Access[] {
    return wanted.map((w) => {
      const allowed = this.allowed(user, w.type, w.name);
      const asked = w.type === 'registry' ? w.actions : expandActions(w.actions);
      const actions = asked.filter((a) => allowed.includes(a) || (w.type === 'registry' && allowed.length > 0));
      return { ...w, actions };
    });
  }
}
// #endregion rules
