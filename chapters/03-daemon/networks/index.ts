// index.ts — the networks section: bridge networks, their DNS, published ports, for the daemon to use.

// #region networks-exports
export { NetworkController, type NetworkOptions } from './network-controller.js';
export { ContainerNetworking, type DnsDefaults, type PortsWanted } from './container-networking.js';
export { startProxy, type Proxy } from './port-proxy.js';
export { NetnsSockets } from './netns-sockets.js';
export type { NetworkedContainer } from './endpoints.js';
export { emptyEndpoint, bridgeNameOf, type NetworkRecord, type NetworkSettings, type EndpointRecord } from './network-record.js';
// #endregion networks-exports
