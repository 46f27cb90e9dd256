// index.ts — the API section: the server, its routers, and the Backend

// #region api-exports
export { ApiServer, type Logger } from './server/server.js';
export { listen, parseHost, type TlsFiles } from './server/listener.js';
export { route, responseOf, type Route, type RouteContext, type Router } from './server/router/route.js';
export { API_VERSION, MIN_API_VERSION } from './server/middleware/version.js';
export { checkFilterKeys, type Filters } from './server/httputils/query.js';
export type { JsonMessage } from './server/httputils/json-stream.js';

export { SystemRouter } from './server/router/system/routes.js';
export type { SystemBackend, EventQuery } from './server/router/system/backend.js';
export { ImageRouter } from './server/router/image/routes.js';
export type { ImageBackend, ImageDeleteResponseItem } from './server/router/image/backend.js';
export { BuildRouter } from './server/router/build/routes.js';
export type { BuildBackend, BuildRequest } from './server/router/build/backend.js';
export { ContainerRouter, type FullContainerBackend } from './server/router/container/routes.js';
export type {
  ContainerBackend, LifecycleBackend, StreamsBackend, InspectBackend,
  AttachConfig, ClientStreams, LogsOptions, LogMessage, PathStat, CommitOptions,
} from './server/router/container/backend.js';
export { DistributionRouter } from './server/router/distribution/routes.js';
export { registryHost } from './server/httputils/registry-auth.js';
export type { DistributionBackend, AuthConfig, PushResult } from './server/router/distribution/backend.js';
export { ExecRouter } from './server/router/exec/routes.js';
export type { ExecBackend, ExecStartOptions } from './server/router/exec/backend.js';
export { VolumeRouter } from './server/router/volume/routes.js';
export type { VolumeBackend, VolumeView } from './server/router/volume/backend.js';
export { HttpStatusError, NotModifiedError, ForbiddenError } from './server/httputils/errors.js';
export { NetworkRouter } from './server/router/network/routes.js';
export type { NetworkBackend } from './server/router/network/backend.js';
export {
  NetworkCreateSchema, NetworkConnectSchema, NetworkDisconnectSchema,
  type NetworkCreate, type NetworkConnect, type NetworkDisconnect, type EndpointSettings,
} from './types/network.js';

export {
  checkJson, ContainerConfigSchema, CreateBodySchema, HostConfigSchema, ExecConfigSchema, UpdateConfigSchema,
  type ContainerConfig, type CreateBody, type HostConfig, type ExecConfig, type UpdateConfig,
} from './types/container-config.js';
export { VolumeCreateSchema, type VolumeCreateBody } from './types/volume.js';
export type { EventMessage, EventType } from './types/events.js';
export type { WaitCondition, WaitResult } from './types/wait.js';
// #endregion api-exports
