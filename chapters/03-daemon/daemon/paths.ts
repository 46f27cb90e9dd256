// paths.ts — where a container's files are: chapter 02's directory and bundle, the shim's directory.

import { join } from 'node:path';
import type { Engine } from '../../02-images/index.js';
import type { Container } from './container.js';
import type { DaemonContext } from './context.js';

// #region paths
export type ContainerPaths = ReturnType<Engine['containers']['paths']>;

/** Chapter 02's paths of a container (its directory, bundle, rootfs and snapshot key), from its id. */
export function pathsOf(ctx: Pick<DaemonContext, 'engine'>, c: Container): ContainerPaths {
  return ctx.engine.containers.paths({ id: c.id } as Parameters<Engine['containers']['paths']>[0]);
}

/** The shim's directory: its socket, pid file and exit record. Under the exec root: gone at reboot, as the container is. */
export function shimDir(ctx: Pick<DaemonContext, 'shimsDir'>, c: Container): string {
  return join(ctx.shimsDir, c.id);
}
// #endregion paths
