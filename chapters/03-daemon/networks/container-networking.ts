// container-networking.ts — what happens to a container's networks at start, at exit, and after a daemon restart.

import { ConflictError } from '../../01-namespaces/index.js';
import { DnsServer, EMBEDDED_DNS } from './dns-server.js';
import { onUserNetwork, plugEndpoint, registerNames, unplugEndpoint, writeEtcFiles, type NetworkedContainer } from './endpoints.js';
import type { NetworkController } from './network-controller.js';
import { isUserDefined, type EndpointRecord, type PortBinding } from './network-record.js';
import { NetnsSockets } from './netns-sockets.js';
import { startProxy, type Proxy } from './port-proxy.js';
import { portRequests } from './ports.js';

// #region ports-wanted
/** What `-p`/`-P` asked for: the container's PortBindings, PublishAllPorts and exposed ports. */
export interface PortsWanted {
  bindings: Record<string, PortBinding[] | null> | null | undefined;
  publishAll: boolean;
  exposed: string[];
}
// #endregion ports-wanted

// #region dns-defaults
/** The daemon's --dns, --dns-search and --dns-opt: each stands in for a container's own when it gave none. */
export interface DnsDefaults {
  servers: string[];
  search: string[];
  options: string[];
}

/** moby's rule (daemon/container_operations_unix.go): each of the three lists falls back on its own. */
function withDefaults(c: NetworkedContainer, d: DnsDefaults): NetworkedContainer {
  const or = (own: string[], daemon: string[]) => (own.length ? own : daemon);
  return { ...c, dns: or(c.dns, d.servers), dnsSearch: or(c.dnsSearch, d.search), dnsOptions: or(c.dnsOptions, d.options) };
}
// #endregion dns-defaults

// #region container-networking
export class ContainerNetworking {
  private readonly proxies = new Map<string, Proxy[]>();
  private readonly resolvers = new Map<string, DnsServer>();
  private readonly sockets = new NetnsSockets();

  /** `defaultIp`: where a port published without an address listens (dockerd's --ip); `dns`: the daemon's DNS settings. */
  constructor(
    readonly controller: NetworkController,
    private readonly defaultIp: string,
    private readonly dns: DnsDefaults = { servers: [], search: [], options: [] },
  ) {
    this.prepareDns();
  }
  // #endregion container-networking

  // #region attach
  /**
   * At start, between the runtime's create and start (the container's
   * PID 1 exists, its program has not begun): every bridge network plugged
   * in, the container's DNS server opened, hosts and resolv.conf written,
   * ports published. Anything failing undoes what was done.
   */
  async attach(container: NetworkedContainer, pid: number, ports: PortsWanted): Promise<void> {
    const c = withDefaults(container, this.dns);
    try {
      for (const [name, e] of Object.entries(c.settings.Networks)) {
        const net = this.controller.store.find(e.NetworkID || name);
        if (net.Driver === 'bridge') await plugEndpoint(this.controller.store, this.controller.names, c, pid, net, e);
      }
      await this.serveDns(c, pid);
      writeEtcFiles(c, this.controller.store);
      await this.publish(c, ports);
    } catch (err) {
      await this.detach(c);
      throw err;
    }
  }

  /** At exit (or a failed start): DNS server and proxies closed, every endpoint unplugged and its address freed. */
  async detach(c: NetworkedContainer): Promise<void> {
    this.stopDns(c.id);
    for (const p of this.proxies.get(c.id) ?? []) p.close();
    this.proxies.delete(c.id);
    for (const key of Object.keys(c.settings.Ports)) c.settings.Ports[key] = null;
    for (const e of Object.values(c.settings.Networks)) await unplugEndpoint(this.controller.store, this.controller.names, c, this.known(e), e);
  }
  // #endregion attach

  // #region serve-dns
  /**
   * A container on at least one user-defined network gets one DNS server,
   * on 127.0.0.11:53 inside its namespace — the sockets opened there by the
   * helper, served here. Its loopback is up by now: the runtime brought it
   * up, and a bind to 127.0.0.11 needs the local route `lo` carries.
   */
  private async serveDns(c: NetworkedContainer, pid: number): Promise<void> {
    if (!onUserNetwork(c, this.controller.store)) return this.stopDns(c.id);
    if (this.resolvers.has(c.id)) return;
    const sockets = await this.sockets.open(pid, EMBEDDED_DNS, 53);
    this.resolvers.set(c.id, new DnsServer(sockets, c.id, this.controller.names));
  }

  /** The helper is started once a user-defined network exists (here, or at `network create`), before any container needs it. */
  prepareDns(): void {
    if (this.controller.store.all().some(isUserDefined)) this.sockets.start();
  }

  /** Closing the daemon's sockets is what lets the namespace go: a socket holds a reference to its namespace. */
  private stopDns(id: string): void {
    this.resolvers.get(id)?.close();
    this.resolvers.delete(id);
  }
  // #endregion serve-dns

  // #region publish
  /** Docker's NetworkSettings.Ports: every exposed or published port, with the host addresses it is reachable on (null: exposed only). */
  private async publish(c: NetworkedContainer, ports: PortsWanted): Promise<void> {
    const target = Object.values(c.settings.Networks).find((e) => e.IPAddress)?.IPAddress;
    c.settings.Ports = Object.fromEntries(ports.exposed.map((k) => [k, null]));
    if (!target) return; // host and none: nothing to relay to
    const running: Proxy[] = [];
    this.proxies.set(c.id, running);
    for (const r of portRequests(ports.bindings, ports.publishAll, ports.exposed, this.defaultIp)) {
      const proxy = await startProxy(r, target);
      running.push(proxy);
      c.settings.Ports[r.key] = [...(c.settings.Ports[r.key] ?? []), { HostIp: proxy.hostIp, HostPort: String(proxy.hostPort) }];
    }
  }

  /**
   * A daemon restarted under a running container: its names go back into
   * the table, its DNS server and proxies are opened again (their sockets
   * lived in the daemon that was killed).
   */
  async resume(container: NetworkedContainer, pid: number): Promise<void> {
    const c = withDefaults(container, this.dns);
    for (const e of Object.values(c.settings.Networks)) {
      const net = this.known(e);
      if (net) registerNames(this.controller.names, c, net, e);
    }
    const bindings = Object.fromEntries(Object.entries(c.settings.Ports).filter(([, list]) => list));
    await this.publish(c, { bindings, publishAll: false, exposed: Object.keys(c.settings.Ports) });
    await this.serveDns(c, pid);
  }
  // #endregion publish

  // #region connect-live
  /** `docker network connect` of a running container: one more veth, its DNS server if it had none, hosts rewritten. */
  async connect(container: NetworkedContainer, pid: number | undefined, name: string, e: EndpointRecord): Promise<void> {
    const c = withDefaults(container, this.dns);
    if (c.settings.Networks[name]) throw new ConflictError(`endpoint with name ${c.name} already exists in network ${name}`);
    c.settings.Networks[name] = e;
    if (pid === undefined) return;
    const net = this.controller.store.find(e.NetworkID);
    try {
      if (net.Driver === 'bridge') await plugEndpoint(this.controller.store, this.controller.names, c, pid, net, e);
      await this.serveDns(c, pid);
    } catch (err) {
      await unplugEndpoint(this.controller.store, this.controller.names, c, net, e).catch(() => {});
      delete c.settings.Networks[name];
      throw err;
    }
    writeEtcFiles(c, this.controller.store);
  }

  /** Off its last user-defined network, a running container's DNS server closes too. */
  async disconnect(container: NetworkedContainer, name: string, pid: number | undefined): Promise<void> {
    const c = withDefaults(container, this.dns);
    const e = c.settings.Networks[name]!;
    await unplugEndpoint(this.controller.store, this.controller.names, c, this.known(e), e);
    delete c.settings.Networks[name];
    if (pid === undefined) return;
    await this.serveDns(c, pid);
    writeEtcFiles(c, this.controller.store);
  }

  // #endregion connect-live

  // #region networking-close
  private known(e: EndpointRecord) {
    return this.controller.store.all().find((n) => n.Id === e.NetworkID);
  }

  /** After a crash: addresses held by containers that no longer run are freed. */
  reconcile(running: Set<string>): void {
    for (const n of this.controller.store.all().filter((x) => x.Driver === 'bridge')) this.controller.store.pool(n).retain((owner) => running.has(owner));
  }

  /** The daemon stops: its sockets close, the containers run on, and the next daemon opens them again (resume). */
  close(): void {
    for (const list of this.proxies.values()) for (const p of list) p.close();
    this.proxies.clear();
    for (const id of [...this.resolvers.keys()]) this.stopDns(id);
    this.sockets.close();
  }
}
// #endregion networking-close
