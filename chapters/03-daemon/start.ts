// start.ts — skiffd assembled: the daemon, its routers, the server, the sockets (moby's cmd/dockerd).

import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import {
  ApiServer, BuildRouter, ContainerRouter, DistributionRouter, ExecRouter, ImageRouter, listen, NetworkRouter, SystemRouter, VolumeRouter,
  type DistributionBackend, type TlsFiles,
} from './api/index.js';
import { Daemon, remappedDataRoot, type RemappedRoot } from './daemon/index.js';
import type { DnsDefaults } from './networks/index.js';

// #region skiffd-options
export interface SkiffdOptions {
  hosts: string[];
  dataRoot: string;
  execRoot: string;
  debug?: boolean;
  tls?: TlsFiles;
  /** Where log lines go (stderr by default). */
  log?: (line: string) => void;
  /** A registry client for pull, push and login; without one they answer 501. */
  distribution?: (daemon: Daemon) => DistributionBackend;
  /** The default bridge (`none` for none), its --bip, the default address of published ports. */
  network?: { bridge?: string; bip?: string; defaultIp?: string; dns?: DnsDefaults };
  /** --userns-remap: the ranges every container's root is mapped into; the data goes under `<data-root>/<uid>.<gid>`. */
  userns?: RemappedRoot;
}

export interface RunningDaemon {
  daemon: Daemon;
  servers: Server[];
  /** Stops listening and lets go of the data root; containers go on running. */
  stop(): Promise<void>;
}
// #endregion skiffd-options

// #region start-daemon
export async function startDaemon(options: SkiffdOptions): Promise<RunningDaemon> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const debug = options.debug ? (line: string) => log(`skiffd: debug: ${line}`) : undefined;
  const userns = options.userns;
  const dataRoot = userns ? remappedDataRoot(options.dataRoot, userns.root) : options.dataRoot;
  const daemon = await Daemon.open({ dataRoot, execRoot: options.execRoot, debug, remappedRoot: userns, ...options.network });
  const distribution = options.distribution?.(daemon);
  const routers = [
    new SystemRouter(daemon), new ImageRouter(daemon.imageService, distribution), new DistributionRouter(distribution),
    new BuildRouter(daemon.buildService, distribution), new ContainerRouter(daemon.containerService), new ExecRouter(daemon.execService),
    new VolumeRouter(daemon.volumes), new NetworkRouter(daemon.networkService),
  ];
  const api = new ApiServer(routers, debug);
  const servers: Server[] = [];
  const connections = new Set<Socket>();
  try {
    for (const host of options.hosts) {
      const server = await listen(host, options.tls ?? { verify: false });
      // Every connection, upgraded ones too (Node stops tracking those), so that stop() can end them all.
      server.on('connection', (socket: Socket) => {
        connections.add(socket);
        socket.once('close', () => connections.delete(socket));
      });
      api.serve(server);
      servers.push(server);
      log(`skiffd: API listening on ${host}`);
    }
  } catch (err) {
    for (const s of servers) s.close();
    await daemon.close();
    throw err;
  }
// #endregion start-daemon

// #region stop-daemon
  const stop = async () => {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => {
      s.close(() => resolve());
      for (const socket of connections) socket.destroy(); // attaches, log followers: their clients see the end
    })));
    await daemon.close();
  };
  return { daemon, servers, stop };
}
// #endregion stop-daemon
