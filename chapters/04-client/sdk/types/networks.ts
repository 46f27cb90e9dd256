// networks.ts — the shapes of networks on the wire (swagger, API 1.50; see containers.ts).

// #region network
/** One network, as `GET /networks` lists it and `GET /networks/{id}` inspects it. @schema GET /networks/{id} 200 */
export interface Network {
  Name: string;
  Id: string;
  /** RFC 3339 with nanoseconds. */
  Created: string;
  /** `local` for a network of this host (`swarm` and `global` belong to clusters). */
  Scope: string;
  /** `bridge`, `host`, `null`, or a plugin's name. */
  Driver: string;
  /** @since 1.48 */
  EnableIPv4?: boolean;
  EnableIPv6: boolean;
  IPAM: Ipam;
  /** No route out of the network: its containers reach each other only. */
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  /** The running containers with an endpoint on it, by id. */
  Containers?: Record<string, NetworkContainer> | null;
  Options: Record<string, string> | null;
  Labels: Record<string, string> | null;
}

/** The address plan of a network: its subnets, each with a gateway (swagger `IPAM`). */
export interface Ipam {
  Driver?: string;
  Config?: { Subnet?: string; IPRange?: string; Gateway?: string }[] | null;
  Options?: Record<string, string> | null;
}

/** A container's endpoint as the network sees it (swagger `NetworkContainer`). */
export interface NetworkContainer {
  Name?: string;
  EndpointID?: string;
  MacAddress?: string;
  /** CIDR: `10.213.4.2/24`. */
  IPv4Address?: string;
  IPv6Address?: string;
}
// #endregion network

// #region network-requests
/** `docker network create`'s request. @schema POST /networks/create body */
export interface NetworkCreateRequest {
  Name: string;
  Driver?: string;
  Internal?: boolean;
  Attachable?: boolean;
  /** @since 1.48 */
  EnableIPv4?: boolean;
  EnableIPv6?: boolean;
  IPAM?: Ipam;
  /** Driver options: `com.docker.network.bridge.name`, … */
  Options?: Record<string, string>;
  Labels?: Record<string, string>;
}

/** @schema POST /networks/create 201 */
export interface NetworkCreateResponse {
  Id: string;
  Warning?: string;
}

/** How a container joins a network: aliases, a fixed address (swagger `EndpointSettings`, the part a request sets). */
export interface EndpointSettings {
  Aliases?: string[] | null;
  IPAMConfig?: { IPv4Address?: string; IPv6Address?: string } | null;
}

/** @schema POST /networks/{id}/connect body */
export interface NetworkConnectRequest {
  Container: string;
  EndpointConfig?: EndpointSettings;
}

/** @schema POST /networks/prune 200 */
export interface NetworkPruneResponse {
  /** Names of the networks removed. */
  NetworksDeleted: string[] | null;
}
// #endregion network-requests
