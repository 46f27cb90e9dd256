// serve.ts — a registry, listening: storage opened, routes built, sessions purged.

import { mkdirSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { InvalidArgumentError } from '../01-namespaces/index.js';
import { registryApi, type AccessController, type Route } from './api/index.js';
import { parseDuration, type RegistryConfig } from './config.js';
import { listRepositories, RegistryStorage } from './storage/index.js';

// #region listen-address
/** `127.0.0.1:5000`, `[::1]:5000`, `:5000` (every address). */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
  if (!m || Number(m[3]) > 65535) throw new InvalidArgumentError(`invalid listen address ${JSON.stringify(text)}: expected HOST:PORT`);
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port: Number(m[3]) };
}
// #endregion listen-address

// #region serve-options
export interface Running {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export interface ServeOptions {
  config: RegistryConfig;
  listen: string;
  storage: string;
  access?: AccessController;
  extraRoutes?: Route[];
  log?: (line: string) => void;
}
// #endregion serve-options

// #region serve
export async function serve(options: ServeOptions): Promise<Running> {
  const { config } = options;
  if (config.auth && !options.access) throw new InvalidArgumentError('config auth: given, but no access controller to apply it');
  const { host, port } = parseListen(options.listen);
  mkdirSync(options.storage, { recursive: true });
  const storage = new RegistryStorage(options.storage);
  const api = registryApi(storage, {
    access: options.access, deleteEnabled: config.delete, extraRoutes: options.extraRoutes, log: options.log,
    maxInFlight: config.limits.concurrentRequests,
  });
  const server: Server = config.tls
    ? (createHttpsServer({ cert: readFileSync(config.tls.certificate), key: readFileSync(config.tls.key) }, api.handle) as unknown as Server)
    : createHttpServer(api.handle);
  server.keepAliveTimeout = 0; // idle connections stay open, as Go's server keeps them: clients pool them
  await new Promise<void>((done, fail) => (server.once('error', fail), server.listen(port, host, () => done())));
  const purge = startUploadPurge(storage, parseDuration(config.uploads.maxAge), parseDuration(config.uploads.purgeInterval), options.log);
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `${config.tls ? 'https' : 'http'}://${shownHost}:${address.port}`,
    close: async () => {
      clearInterval(purge);
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
// #endregion serve

// #region upload-purge
/** Every `intervalMs`, removes upload sessions untouched for `maxAgeMs` (once at start too). */
function startUploadPurge(storage: RegistryStorage, maxAgeMs: number, intervalMs: number, log?: (line: string) => void): NodeJS.Timeout {
  const purge = async () => {
    for (const name of await listRepositories(storage.layout)) {
      for (const id of await storage.uploads.expire(name, maxAgeMs)) log?.(`expired upload ${id} of ${name}`);
    }
  };
  const run = () => void purge().catch((err: unknown) => log?.(`upload purge failed: ${(err as Error).message}`));
  run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return timer;
}
// #endregion upload-purge
