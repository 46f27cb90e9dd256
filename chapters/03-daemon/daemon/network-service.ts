// network-service.ts — the NetworkBackend: networks and the containers on them, as `docker network` sees them.

import { ConflictError, InvalidArgumentError } from '../../01-namespaces/index.js';
import {
  checkFilterKeys, checkJson, ForbiddenError, NetworkConnectSchema, NetworkCreateSchema, NetworkDisconnectSchema,
  type Filters, type NetworkBackend,
} from '../api/index.js';
import { emptyEndpoint, type NetworkRecord } from '../networks/index.js';
import type { Container } from './container.js';
import type { DaemonContext } from './context.js';
import { networked } from './networking.js';

// #region network-views
const LIST_FILTERS = ['name', 'id', 'driver', 'label', 'type', 'scope', 'dangling'];

function matches(n: NetworkRecord, filters: Filters, used: boolean): boolean {
  const any = (key: string, test: (v: string) => boolean) => !filters.has(key) || filters.get(key)!.some(test);
  const predefined = ['bridge', 'host', 'none'].includes(n.Name);
  return any('name', (v) => n.Name.includes(v)) && any('id', (v) => n.Id.startsWith(v)) && any('driver', (v) => v === n.Driver) &&
    any('scope', (v) => v === 'local') && any('type', (v) => v === (predefined ? 'builtin' : 'custom')) &&
    any('dangling', (v) => (v === 'true' || v === '1') === !used) &&
    any('label', (v) => { const [k = '', val] = v.split('='); return k in n.Labels && (val === undefined || n.Labels[k] === val); });
}
// #endregion network-views

// #region network-service
export class NetworkService implements NetworkBackend {
  constructor(private readonly ctx: DaemonContext) {}

  private get store() {
    return this.ctx.networking.controller.store;
  }

  /** The containers with an endpoint on `n`: running ones are its active endpoints. */
  private members(n: NetworkRecord): Container[] {
    return this.ctx.containers.all().filter((c) => Object.values(c.record.NetworkSettings?.Networks ?? {}).some((e) => e.NetworkID === n.Id));
  }

  /** moby's network resource, with Containers: each running member's endpoint. */
  private view(n: NetworkRecord): Record<string, unknown> {
    const containers: Record<string, unknown> = {};
    for (const c of this.members(n)) {
      const e = Object.values(c.record.NetworkSettings!.Networks).find((x) => x.NetworkID === n.Id)!;
      if (!e.EndpointID) continue;
      containers[c.id] = { Name: c.name, EndpointID: e.EndpointID, MacAddress: e.MacAddress, IPv4Address: `${e.IPAddress}/${e.IPPrefixLen}`, IPv6Address: '' };
    }
    return { ...n, Containers: containers };
  }

  async networkCreate(body: unknown): Promise<{ Id: string; Warning: string }> {
    const request = checkJson(NetworkCreateSchema, body, 'CreateRequest');
    const n = await this.ctx.networking.controller.create(request);
    this.ctx.networking.prepareDns();
    this.ctx.events.log('network', 'create', n.Id, { name: n.Name, type: n.Driver });
    return { Id: n.Id, Warning: '' };
  }

  networkList(filters: Filters): Record<string, unknown>[] {
    checkFilterKeys(filters, LIST_FILTERS);
    return this.store.all().filter((n) => matches(n, filters, this.members(n).length > 0)).map((n) => this.view(n));
  }

  networkInspect(ref: string): Record<string, unknown> {
    return this.view(this.store.find(ref));
  }
  // #endregion network-service

  // #region network-remove
  /** moby refuses a network with a running container on it (403); a stopped container's endpoint goes with the network. */
  async networkRemove(ref: string): Promise<void> {
    const n = this.store.find(ref);
    if (this.members(n).some((c) => c.state.Running)) throw new ForbiddenError(`error while removing network: network ${n.Name} id ${n.Id} has active endpoints`);
    await this.ctx.networking.controller.remove(n);
    this.ctx.events.log('network', 'destroy', n.Id, { name: n.Name, type: n.Driver });
  }

  /** `docker network prune`: every user-defined network no container is on. */
  async networkPrune(filters: Filters): Promise<{ NetworksDeleted: string[] }> {
    checkFilterKeys(filters, ['label', 'until']);
    const deleted: string[] = [];
    for (const n of this.store.all()) {
      if (['bridge', 'host', 'none'].includes(n.Name) || this.members(n).length || !matches(n, filters, false)) continue;
      await this.networkRemove(n.Id);
      deleted.push(n.Name);
    }
    return { NetworksDeleted: deleted };
  }
  // #endregion network-remove

  // #region network-connect
  /** `docker network connect [--alias A] NET CTR`: recorded, and plugged in at once if the container runs. */
  async networkConnect(ref: string, body: unknown): Promise<void> {
    const request = checkJson(NetworkConnectSchema, body, 'ConnectOptions');
    const n = this.store.find(ref);
    const c = this.ctx.containers.get(request.Container);
    const mode = c.record.HostConfig.NetworkMode ?? 'default';
    if (mode === 'host' || mode === 'none' || n.Driver !== 'bridge') throw new InvalidArgumentError(`container cannot be disconnected from host network or connected to host network`);
    const asked = request.EndpointConfig ?? {};
    if (n.Name === 'bridge' && asked.Aliases?.length) throw new InvalidArgumentError('network-scoped alias is supported only for containers in user defined networks');
    await c.exclusive(async () => {
      const e = emptyEndpoint(n.Id, asked.Aliases ?? null, asked.IPAMConfig?.IPv4Address);
      await this.ctx.networking.connect(networked(c), c.state.Running ? c.state.Pid : undefined, n.Name, e);
      c.save();
    });
    this.ctx.events.log('network', 'connect', n.Id, { container: c.id, name: n.Name, type: n.Driver });
  }

  async networkDisconnect(ref: string, body: unknown): Promise<void> {
    const request = checkJson(NetworkDisconnectSchema, body, 'DisconnectOptions');
    const n = this.store.find(ref);
    const c = this.ctx.containers.get(request.Container);
    if (!c.record.NetworkSettings?.Networks[n.Name]) throw new ConflictError(`container ${c.id} is not connected to network ${n.Name}`);
    await c.exclusive(async () => {
      await this.ctx.networking.disconnect(networked(c), n.Name, c.state.Running ? c.state.Pid : undefined);
      c.save();
    });
    this.ctx.events.log('network', 'disconnect', n.Id, { container: c.id, name: n.Name, type: n.Driver });
  }
}
// #endregion network-connect
