// network-controller.ts — the daemon's networks: their bridges, and the names of the containers on them (libnetwork's controller).

import {
  bridgeAddresses, ensureBridge, formatSubnet, InvalidArgumentError, NotFoundError, parseAddress, parseSubnet, removeBridge, type Subnet,
} from '../../01-namespaces/index.js';
import { ForbiddenError, type NetworkCreate } from '../api/index.js';
import { addressConfig } from './address-config.js';
import { NameTable } from './name-table.js';
import { bridgeNameOf, BRIDGE_NAME_OPTION, DEFAULT_BRIDGE_OPTION, type NetworkRecord } from './network-record.js';
import { NetworkStore } from './network-store.js';

// #region network-options
export interface NetworkOptions {
  /** Where network records and address pools are kept: <data-root>/network. */
  dir: string;
  /** The default bridge's Linux name (`skiff0`), or `none` for no default bridge network (dockerd's --bridge). */
  bridge: string;
  /** The default bridge's gateway and prefix, `172.17.0.1/16` (dockerd's --bip); the first free pool if not given. */
  bip?: string;
  warn: (line: string) => void;
}

const PREDEFINED = ['bridge', 'host', 'none'];

const base = (name: string, driver: NetworkRecord['Driver']): Omit<NetworkRecord, 'Id' | 'Created'> => ({
  Name: name, Scope: 'local', Driver: driver, EnableIPv4: true, EnableIPv6: false,
  IPAM: { Driver: 'default', Options: null, Config: [] }, Internal: false, Attachable: false, Ingress: false,
  ConfigFrom: { Network: '' }, ConfigOnly: false, Options: {}, Labels: {},
});
// #endregion network-options

// #region controller-open
export class NetworkController {
  readonly names = new NameTable();

  private constructor(readonly store: NetworkStore, private readonly warn: (line: string) => void) {}

  /**
   * `host` and `none` always exist; `bridge` unless the daemon was told
   * `--bridge none`. Every bridge network's Linux bridge is made again if
   * it is missing (a reboot, an administrator's `ip link del`).
   */
  static async open(options: NetworkOptions): Promise<NetworkController> {
    const controller = new NetworkController(new NetworkStore(options.dir), options.warn);
    const store = controller.store;
    for (const [name, driver] of [['host', 'host'], ['none', 'null']] as const) if (!store.has(name)) store.add(base(name, driver));
    if (options.bridge !== 'none' && !store.has('bridge')) {
      const config = await defaultBridgeConfig(options, controller.subnets());
      store.add({
        ...base('bridge', 'bridge'), IPAM: { Driver: 'default', Options: null, Config: [config] },
        Options: { [BRIDGE_NAME_OPTION]: options.bridge, [DEFAULT_BRIDGE_OPTION]: 'true' },
      });
    }
    for (const n of store.all().filter((x) => x.Driver === 'bridge')) await controller.bringUp(n);
    return controller;
  }

  private async bringUp(n: NetworkRecord): Promise<void> {
    const { Subnet, Gateway } = n.IPAM.Config[0]!;
    await ensureBridge(bridgeNameOf(n), Gateway, parseSubnet(Subnet).prefix);
  }

  private subnets(except?: string): Subnet[] {
    return this.store.all().filter((n) => n.Id !== except).flatMap((n) => n.IPAM.Config.map((c) => parseSubnet(c.Subnet)));
  }
  // #endregion controller-open

  // #region controller-create
  /** `docker network create`: a record, an address range, a bridge. */
  async create(body: NetworkCreate): Promise<NetworkRecord> {
    const driver = body.Driver || 'bridge';
    if (driver !== 'bridge') throw new NotFoundError(`plugin "${driver}" not found`);
    if (PREDEFINED.includes(body.Name)) throw new ForbiddenError(`operation is not permitted on predefined ${body.Name} network `);
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(body.Name)) throw new InvalidArgumentError(`invalid network name "${body.Name}"`);
    if (body.EnableIPv6) throw new InvalidArgumentError('IPv6 networks are not supported by this daemon');
    const configs = body.IPAM?.Config ?? [];
    if (configs.length > 1) throw new InvalidArgumentError('this daemon gives a network one IPv4 subnet');
    const options = body.Options ?? {};
    const bridgeName = options[BRIDGE_NAME_OPTION];
    if (bridgeName !== undefined && !/^[a-zA-Z0-9_.-]{1,15}$/.test(bridgeName)) throw new InvalidArgumentError(`invalid bridge name ${JSON.stringify(bridgeName)}: at most 15 letters, digits, '_', '.', '-'`);
    if (bridgeName && this.store.all().some((n) => bridgeNameOf(n) === bridgeName)) throw new ForbiddenError(`bridge name ${bridgeName} is already used by another network`);
    const config = await addressConfig(configs[0], this.subnets());
    const record = this.store.add({
      ...base(body.Name, 'bridge'), IPAM: { Driver: 'default', Options: null, Config: [config] },
      Internal: !!body.Internal, Attachable: !!body.Attachable, Options: options, Labels: body.Labels ?? {},
    });
    try {
      await this.bringUp(record);
    } catch (err) {
      await this.remove(record).catch(() => {});
      throw err;
    }
    return record;
  }

  // #endregion controller-create

  // #region controller-remove
  /** `docker network rm` once no container is on it (the caller checks): its bridge and files go. */
  async remove(n: NetworkRecord): Promise<void> {
    if (PREDEFINED.includes(n.Name)) throw new ForbiddenError(`${n.Name} is a pre-defined network and cannot be removed`);
    await removeBridge(bridgeNameOf(n));
    this.store.remove(n);
  }
}
// #endregion controller-remove

// #region bip
/**
 * The default bridge's subnet and gateway: `--bip`; else the address the
 * bridge already has, if a daemon before left it (a new data root over an
 * old `skiff0`: dockerd reuses docker0's address the same way); else the
 * first free pool.
 */
async function defaultBridgeConfig(options: NetworkOptions, taken: Subnet[]): Promise<{ Subnet: string; Gateway: string }> {
  if (options.bip) return bipConfig(options.bip);
  const [found] = await bridgeAddresses(options.bridge);
  return found ? bipConfig(`${found.address}/${found.prefix}`) : addressConfig(undefined, taken);
}

/** `--bip 172.17.0.1/16`: the gateway address, with the prefix of its network. */
function bipConfig(bip: string): { Subnet: string; Gateway: string } {
  const [address = '', length = ''] = bip.split('/');
  const prefix = Number(length);
  if (!/^\d{1,2}$/.test(length) || prefix > 30) throw new InvalidArgumentError(`invalid --bip ${bip}: an address and a prefix of at most 30 bits`);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { Subnet: formatSubnet({ base: (parseAddress(address) & mask) >>> 0, prefix }), Gateway: address };
}
// #endregion bip
