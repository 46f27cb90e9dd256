// network-record.ts — what the daemon remembers about one network, and about a container's place on it.

// #region network-record
/** moby's network resource, as `docker network inspect` prints it (without Containers, which is computed). */
export interface NetworkRecord {
  Name: string;
  Id: string;
  Created: string;
  Scope: 'local';
  /** `bridge` for a bridge of its own; `host` and `null` for the two networks that are a namespace mode. */
  Driver: 'bridge' | 'host' | 'null';
  EnableIPv4: boolean;
  EnableIPv6: boolean;
  IPAM: { Driver: 'default'; Options: Record<string, string> | null; Config: { Subnet: string; Gateway: string }[] };
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  ConfigFrom: { Network: string };
  ConfigOnly: boolean;
  Options: Record<string, string>;
  Labels: Record<string, string>;
}

export const BRIDGE_NAME_OPTION = 'com.docker.network.bridge.name';
export const DEFAULT_BRIDGE_OPTION = 'com.docker.network.bridge.default_bridge';

/** The Linux bridge's name: the option, or `br-` and the id's first twelve digits, as Docker names them. */
export const bridgeNameOf = (n: NetworkRecord): string => n.Options[BRIDGE_NAME_OPTION] || `br-${n.Id.slice(0, 12)}`;

/** The default `bridge` network has no DNS of its own, as in Docker: names resolve on user-defined networks only. */
export const isUserDefined = (n: NetworkRecord): boolean => n.Driver === 'bridge' && n.Options[DEFAULT_BRIDGE_OPTION] !== 'true';
// #endregion network-record

// #region endpoint-record
/**
 * A container's place on one network (moby's EndpointSettings): the wish
 * (NetworkID, aliases, a fixed address) kept while the container is
 * stopped; the address, gateway and device filled in while it runs.
 */
export interface EndpointRecord {
  NetworkID: string;
  Aliases: string[] | null;
  IPAMConfig: { IPv4Address?: string | null } | null;
  EndpointID: string;
  Gateway: string;
  IPAddress: string;
  IPPrefixLen: number;
  MacAddress: string;
  DNSNames: string[] | null;
  /** The host end of the veth pair, to unplug it. */
  HostInterface?: string;
}

export interface PortBinding {
  HostIp: string;
  HostPort: string;
}

/** `NetworkSettings` of a container record: its networks by name, and the ports published while it runs. */
export interface NetworkSettings {
  Networks: Record<string, EndpointRecord>;
  Ports: Record<string, PortBinding[] | null>;
}

export const emptyEndpoint = (networkId: string, aliases: string[] | null = null, ipv4?: string | null): EndpointRecord => ({
  NetworkID: networkId, Aliases: aliases, IPAMConfig: ipv4 ? { IPv4Address: ipv4 } : null,
  EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0, MacAddress: '', DNSNames: null,
});
// #endregion endpoint-record
