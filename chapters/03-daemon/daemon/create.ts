// create.ts — POST /containers/create: a checked config becomes a container on disk.

import { join } from 'node:path';
import { InvalidArgumentError } from '../../01-namespaces/index.js';
import { shortId, StartError, unpackImage, type ImageRecord } from '../../02-images/index.js';
import { checkJson, CreateBodySchema, type CreateBody } from '../api/index.js';
import { patchBundle } from './bundle-patch.js';
import { Container, type ContainerRecord } from './container.js';
import type { DaemonContext } from './context.js';
import { checkResources, networkMode, refuseUnsupported, restartPolicy } from './host-config.js';
import { containerMounts } from './mounts.js';
import { generateName } from './names-generator.js';
import { securityOf } from './security.js';
import { containerUserns } from './userns-mode.js';
import { endpointsAtCreate } from './networking.js';

// #region merge-config
/**
 * moby's daemon/create.go merge rules: an Entrypoint in the request replaces
 * the image's and drops its Cmd; otherwise the request's Cmd, if any,
 * replaces the image's. Env merges by name, the request winning; labels too.
 */
export function mergeConfig(body: CreateBody, image: ImageRecord): ContainerRecord['Config'] {
  const img = image.config.config ?? {};
  const slice = (x: string | string[] | null | undefined) => (x === undefined || x === null ? x : typeof x === 'string' ? [x] : x);
  let entrypoint = slice(body.Entrypoint);
  let cmd = slice(body.Cmd) ?? null;
  if (!entrypoint || entrypoint.length === 0) {
    if (!cmd || cmd.length === 0) cmd = img.Cmd ?? null;
    if (entrypoint === undefined || entrypoint === null) entrypoint = img.Entrypoint ?? null;
  }
  const env = new Map<string, string>();
  // A bare NAME (`-e NAME` the CLI found unset) is kept in the record, as Docker keeps it, and set in no process.
  for (const e of [...(img.Env ?? []), ...(body.Env ?? [])]) env.set(e.includes('=') ? e.slice(0, e.indexOf('=')) : e, e);
  return {
    ...body, HostConfig: undefined, NetworkingConfig: undefined,
    Image: body.Image ?? '', Cmd: cmd, Entrypoint: entrypoint && entrypoint.length ? entrypoint : null,
    Env: env.size ? [...env.values()] : null, WorkingDir: body.WorkingDir || img.WorkingDir || '', User: body.User || img.User || '',
    Labels: { ...(img.Labels ?? {}), ...(body.Labels ?? {}) }, StopSignal: body.StopSignal || img.StopSignal || undefined,
    // `-v /path` alone comes as Config.Volumes, beside the image's VOLUMEs.
    Volumes: img.Volumes || body.Volumes ? { ...(img.Volumes ?? {}), ...(body.Volumes ?? {}) } : null,
    ExposedPorts: exposedPorts(img.ExposedPorts, body.ExposedPorts),
  } as ContainerRecord['Config'];
}

/** The image's EXPOSE and the request's `--expose`/`-p` ports together; undefined when there are none. */
const exposedPorts = (...sets: (Record<string, unknown> | null | undefined)[]): Record<string, object> | undefined => {
  const ports = Object.assign({}, ...sets.map((s) => s ?? {})) as Record<string, object>;
  return Object.keys(ports).length ? ports : undefined;
};
// #endregion merge-config

// #region memory-swap
/** Docker records the swap it applies: as much again as the memory, when not given (0). */
export const memorySwap = (hc: { Memory?: number | null; MemorySwap?: number | null }): number =>
  (hc.Memory ?? 0) > 0 && !hc.MemorySwap ? hc.Memory! * 2 : (hc.MemorySwap ?? 0);
// #endregion memory-swap

// #region argv-part
const argvPart = (x: string | string[] | null | undefined): string[] | undefined => (x === null || x === undefined ? undefined : typeof x === 'string' ? [x] : x);
// #endregion argv-part

// #region create
export async function createContainer(daemon: DaemonContext, input: unknown, requestedName: string | null): Promise<Container> {
  const body = checkJson(CreateBodySchema, input, 'ContainerConfigWrapper');
  if (!body.Image) throw new InvalidArgumentError('No image was specified: config.Image must be set');
  const hc = body.HostConfig ?? {};
  const name = requestedName || generateName((n) => daemon.containers.isTaken(n));
  const claim = `pending-${process.hrtime.bigint()}`;
  daemon.containers.reserve(name, claim);
  const made: string[] = []; // anonymous volumes made for it, removed if it is not made after all
  try {
    const image = await daemon.imageService.findForContainer(body.Image);
    const policy = restartPolicy(hc);
    checkResources(hc, daemon.host.ncpu);
    refuseUnsupported(hc);
    const security = securityOf(hc);
    const userns = containerUserns(hc, daemon.remappedRoot);
    const network = networkMode(hc, (n) => daemon.networking.controller.store.has(n));
    const settings = endpointsAtCreate(daemon.networking.controller, network, body.NetworkingConfig);
    const config = mergeConfig(body, image);
    const mounts = containerMounts(daemon, hc, config.Volumes, made);
    const argv = [...(argvPart(config.Entrypoint) ?? []), ...(argvPart(config.Cmd) ?? [])];
    if (argv.length === 0) throw new InvalidArgumentError('No command specified');
    // #endregion create

    // #region create-on-disk
    const engine = daemon.engine;
    const parent = await unpackImage(engine.images, image, engine.snapshotter);
    let startError: ContainerRecord['StartError'];
    let created;
    try {
      created = await engine.containers.create({
        image: body.Image, imageId: image.id, parent, name,
        config: {
          // The image's VOLUMEs are among the mounts already, as volumes of this daemon's.
          ...(image.config.config ?? {}), Volumes: undefined, Entrypoint: argvPart(config.Entrypoint), Cmd: argvPart(config.Cmd), Env: config.Env?.filter((e) => e.includes('=')),
          WorkingDir: config.WorkingDir || undefined, User: config.User || undefined,
        },
        overrides: {
          hostname: body.Hostname || undefined, tty: !!body.Tty, pidsLimit: hc.PidsLimit ?? undefined,
          volumes: mounts.binds,
        },
      });
    } catch (err) {
      // Chapter 02 keeps a container whose program cannot start (Docker's
      // `created` with an error): the error is for `start` to report.
      if (!(err instanceof StartError)) throw err;
      created = await engine.containers.find(name);
      startError = { message: err.message, exitCode: err.exitCode };
    }
    // #endregion create-on-disk

    // #region create-record
    const paths = engine.containers.paths(created);
    if (!startError) patchBundle(paths.bundle, hc, network, { security, mounts, userns });
    const container = Container.fresh({
      ID: created.id, Created: created.created, Path: argv[0]!, Args: argv.slice(1),
      Config: { ...config, Hostname: body.Hostname || shortId(created.id) },
      HostConfig: { ...hc, NetworkMode: network, RestartPolicy: policy, Binds: hc.Binds ?? null, MemorySwap: memorySwap(hc) },
      Image: image.id, Name: `/${name}`, LogPath: join(paths.dir, `${created.id}-json.log`), Mounts: mounts.points, StartError: startError, NetworkSettings: settings,
    }, paths.dir);
    container.save();
    daemon.containers.release(name);
    daemon.containers.add(container);
    daemon.events.log('container', 'create', container.id, { image: body.Image, name, ...config.Labels });
    return container;
  } catch (err) {
    daemon.containers.release(name);
    daemon.volumes.removeAnonymous(made);
    throw err;
  }
}
// #endregion create-record
