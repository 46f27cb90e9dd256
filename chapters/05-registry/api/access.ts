// access.ts — what a request needs the right to do, asked of whoever decides.

import type { IncomingMessage } from 'node:http';

// #region access
export type Action = 'pull' | 'push' | 'delete' | '*';

/** One scope: a resource and the actions wanted on it. */
export interface Access {
  type: 'repository' | 'registry';
  name: string;
  actions: Action[];
}

/** What a request was found to be allowed, for the checks a handler makes later (a mount's source). */
export interface Grant {
  allows(type: Access['type'], name: string, action: Action): boolean;
}

export interface AccessController {
  /** Resolves with the request's grant if it covers `needed`; throws a 401 or 403 RegistryError if not. */
  authorize(req: IncomingMessage, needed: Access[]): Promise<Grant>;
}

/** No auth configured: every request may do everything. */
export const openAccess: AccessController = {
  authorize: async () => ({ allows: () => true }),
};

export const repositoryAccess = (name: string, ...actions: Action[]): Access => ({ type: 'repository', name, actions });
// #endregion access
