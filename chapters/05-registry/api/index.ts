// index.ts — the HTTP section's surface: a server assembled from its routes.

import type { RegistryStorage } from '../storage/index.js';
import { openAccess, type AccessController } from './access.js';
import { baseRoutes } from './base-routes.js';
import { blobRoutes } from './blob-routes.js';
import { manifestRoutes } from './manifest-routes.js';
import { RegistryServer, type Logger } from './server.js';
import type { Route } from './route.js';
import { uploadRoutes } from './upload-routes.js';

// #region exports
export { RegistryServer, type Logger } from './server.js';
export { openAccess, repositoryAccess, type Access, type AccessController, type Action, type Grant } from './access.js';
export { route, noAccess, type Route, type RequestContext } from './route.js';
export { sendJson, sendEmpty, sendError } from './responses.js';

export interface ApiOptions {
  access?: AccessController;
  deleteEnabled?: boolean;
  /** More routes outside /v2/<name>/: the token endpoint, when auth is on. */
  extraRoutes?: Route[];
  log?: Logger;
  /** Requests served at once before 429 TOOMANYREQUESTS. */
  maxInFlight?: number;
}

/** Every route of the Distribution API over one storage directory. */
export function registryApi(storage: RegistryStorage, options: ApiOptions = {}): RegistryServer {
  const deleteEnabled = options.deleteEnabled ?? true;
  return new RegistryServer(
    [...baseRoutes(storage), ...(options.extraRoutes ?? [])],
    [...blobRoutes(storage, { deleteEnabled }), ...uploadRoutes(storage), ...manifestRoutes(storage, { deleteEnabled })],
    options.access ?? openAccess,
    options.log,
    options.maxInFlight,
  );
}
// #endregion exports
