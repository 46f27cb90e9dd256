// index.ts — the network section: bridges, veth pairs and addresses, for a daemon to wire containers with.

// #region network-exports
export { ip, deleteLink, linkNames } from './ip.js';
export { parseSubnet, parseAddress, formatAddress, formatSubnet, contains, overlaps, sizeOf, routedSubnets, type Subnet } from './subnet.js';
export { AddressPool } from './ipam.js';
export { ensureBridge, removeBridge, bridgeAddresses } from './bridge.js';
export { plugIn, unplug, macFor, type Endpoint } from './veth.js';
// #endregion network-exports
