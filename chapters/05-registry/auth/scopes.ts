// scopes.ts — `repository:team/app:pull,push`, read and written.

import type { Access, Action } from '../api/index.js';

// #region scopes
const ACTIONS: readonly Action[] = ['pull', 'push', 'delete', '*'];

export function parseScopes(params: string[]): Access[] {
  const scopes: Access[] = [];
  for (const text of params.flatMap((p) => p.split(' ')).filter(Boolean)) {
    const first = text.indexOf(':');
    const last = text.lastIndexOf(':');
    if (first < 0 || first === last) continue; // not a scope: ignored, as distribution's token servers do
    const type = text.slice(0, first);
    if (type !== 'repository' && type !== 'registry') continue;
    const actions = text.slice(last + 1).split(',').filter((a): a is Action => ACTIONS.includes(a as Action));
    scopes.push({ type, name: text.slice(first + 1, last), actions });
  }
  return scopes;
}

export const formatScope = (a: Access): string => `${a.type}:${a.name}:${a.actions.join(',')}`;

/** `*` stands for every action: it is what `skopeo delete` asks for. */
export const expandActions = (actions: Action[]): Action[] =>
  actions.includes('*') ? ['pull', 'push', 'delete'] : [...new Set(actions)];
// #endregion scopes
