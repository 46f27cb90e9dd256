// The SDK: a typed client of the Docker Engine API, for skiffd and dockerd alike.

// #region exports
export { EngineClient } from './client.js';
export { readAll, queryString, type Query, type RequestOptions } from './transport.js';
export { Api, CLIENT_API_VERSION, type ClientOptions, type Filters } from './api.js';
export { resolveEndpoint, DEFAULT_SOCKETS, type Endpoint, type HostOptions, type TlsSettings } from './host.js';
export { negotiate, compareVersions, FALLBACK_API_VERSION, type PingResult } from './version.js';
export {
  EngineError, BadRequestError, UnauthorizedError, NotFoundError, ConflictError, ServerError,
  ConnectionError, StreamError, errorForStatus,
} from './errors.js';
export { Containers, type Cancellable, type WaitCondition, type PathStat } from './containers.js';
export { Execs } from './exec.js';
export { Images, registryAuthHeader, type RegistryAuth } from './images.js';
export { System } from './system.js';
export { Networks } from './networks.js';
export { Volumes } from './volumes.js';
export { ContainerOutput, AttachSession } from './streams.js';
export { frames, demultiplex, type Frame } from './stdcopy.js';
export { jsonLines, progressMessages, type JsonMessage } from './json-stream.js';
export type * from './types/containers.js';
export type * from './types/images.js';
export type * from './types/system.js';
export type * from './types/networks.js';
export type * from './types/volumes.js';
// #endregion exports
