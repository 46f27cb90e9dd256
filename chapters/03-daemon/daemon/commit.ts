// commit.ts — `docker commit`: a container's writable layer, made an image.
//
// Chapter 02's commit does the layer: the writable snapshot's diff becomes
// one more layer on the container's image. The daemon adds what Docker's
// commit records besides: the container's own config (its Cmd, Env,
// WorkingDir… become the image's), `--change` lines over it, the author
// and the comment. A running container is paused meanwhile (moby's
// default, `--pause`), so the layer is one instant of its filesystem.

import { pause, resume } from '../../01-namespaces/index.js';
import { familiarString, parseReference, type ContainerConfig } from '../../02-images/index.js';
import type { CommitOptions } from '../api/index.js';
import { applyChanges } from './config-changes.js';
import type { Container } from './container.js';
import type { DaemonContext } from './context.js';

// #region commit
export async function commitContainer(ctx: DaemonContext, c: Container, options: CommitOptions): Promise<{ Id: string }> {
  const ref = options.repo ? (options.tag ? `${options.repo}:${options.tag}` : options.repo) : undefined;
  if (ref) parseReference(ref); // a bad name fails before anything is written
  const stateRoot = ctx.engine.containers.stateRoot;
  const freeze = options.pause && c.state.Running && !c.state.Paused;
  if (freeze) await pause(c.id, { stateRoot });
  let layered;
  try {
    layered = await ctx.engine.commit(c.id);
  } finally {
    if (freeze) await resume(c.id, { stateRoot }).catch(() => {});
  }
  const config = structuredClone(layered.config);
  config.config = applyChanges({ ...(config.config ?? {}), ...containerConfig(c), ...(options.config as ContainerConfig | undefined) }, options.changes);
  if (options.author) config.author = options.author;
  const last = config.history?.at(-1);
  if (last && options.comment) last.comment = options.comment;
  const image = await ctx.engine.images.putImage({ config, layers: layered.manifest.layers, ref });
  if (image.id !== layered.id) await ctx.engine.images.remove(layered.id); // its layer stays: the new image holds it
  ctx.events.log('container', 'commit', c.id, c.eventAttributes({ comment: options.comment ?? '', imageID: image.id, imageRef: ref ? familiarString(parseReference(ref)) : '' }));
  return { Id: image.id };
}

/** What of the container's config an image carries (moby's merge in daemon/commit.go). */
function containerConfig(c: Container): ContainerConfig {
  const k = c.record.Config;
  const slice = (x: string | string[] | null | undefined) => (typeof x === 'string' ? [x] : (x ?? undefined));
  const out: ContainerConfig = {
    Cmd: slice(k.Cmd), Entrypoint: slice(k.Entrypoint), Env: k.Env, WorkingDir: k.WorkingDir || undefined,
    User: k.User || undefined, Labels: k.Labels, StopSignal: k.StopSignal ?? undefined,
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as ContainerConfig;
}
// #endregion commit
