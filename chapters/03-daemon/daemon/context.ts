// context.ts — what the daemon's services share: one engine, one set of records, one event bus.

import type { Engine } from '../../02-images/index.js';
import type { ContainerNetworking } from '../networks/index.js';
import type { ShimPool } from '../shim/index.js';
import type { VolumeService } from '../volumes/index.js';
import type { ContainerStore } from './container-store.js';
import type { Events } from './events.js';
import type { HostInfo } from './host-info.js';
import type { ImageService } from './image-service.js';
import type { RemappedRoot } from './remapped-root.js';

// #region daemon-context
export interface DaemonContext {
  readonly engine: Engine;
  readonly containers: ContainerStore;
  readonly events: Events;
  readonly imageService: Pick<ImageService, 'findForContainer'>;
  /** Named and anonymous volumes (the volumes section). */
  readonly volumes: VolumeService;
  readonly host: HostInfo;
  /** Where each container's shim keeps its socket and exit record: <exec-root>/shims/<id>. */
  readonly shimsDir: string;
  /** Warm shims, so that a start spawns no Node process; undefined to start them cold. */
  readonly shimPool?: ShimPool;
  /** Bridges, addresses, DNS and published ports of the containers (the networks section). */
  readonly networking: ContainerNetworking;
  /** --userns-remap's ranges, if the daemon runs with it (remapped-root.ts). */
  readonly remappedRoot?: RemappedRoot;
  /** A line for the daemon's log (stderr): what went wrong where no client is waiting to hear it. */
  readonly warn: (line: string) => void;
}
// #endregion daemon-context
