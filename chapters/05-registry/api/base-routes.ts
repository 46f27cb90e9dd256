// base-routes.ts — the routes that name no repository.

import type { RegistryStorage } from '../storage/index.js';
import { listRepositories } from '../storage/index.js';
import type { Access } from './access.js';
import { page } from './pagination.js';
import { sendJson } from './responses.js';
import { noAccess, route, type Route } from './route.js';

// #region base-routes
/** The API version check needs a signed-in client when auth is on: it is where docker learns the realm. */
const anyone = (): Access[] => [{ type: 'registry', name: 'base', actions: [] }];
const catalogAccess = (): Access[] => [{ type: 'registry', name: 'catalog', actions: ['*'] }];

export function baseRoutes(storage: RegistryStorage): Route[] {
  const versionCheck = route('GET', '/v2/', anyone, ({ res }) =>
    sendJson(res, 200, {}, { 'Docker-Distribution-API-Version': 'registry/2.0' }));
  return [
    versionCheck,
    { ...versionCheck, method: 'HEAD' },
    route('GET', '/healthz', noAccess, ({ res }) => sendJson(res, 200, { status: 'ok' })),
    route('GET', '/v2/_catalog', catalogAccess, async ({ res, query }) => {
      const { items, headers } = page(await listRepositories(storage.layout), query, '/v2/_catalog');
      sendJson(res, 200, { repositories: items }, headers);
    }),
  ];
}
// #endregion base-routes
