// inspect.ts — an image described the way `docker image inspect` and `docker history` do.

import { chainIds, layerSize } from '../layers/index.js';
import type { Engine } from './engine.js';
import { shortId, type ImageRecord } from '../store/index.js';

// #region inspect
/** The `docker image inspect` document for one image. */
export async function inspectImage(engine: Engine, image: ImageRecord): Promise<Record<string, unknown>> {
  const c = image.config.config ?? {};
  return {
    Id: image.id,
    RepoTags: await engine.namesOf(image),
    // `name@sha256:…` as a registry knows the image, recorded by pull and
    // push (chapter 05). Built, imported and loaded images have none, and
    // Docker shows them with an empty list too.
    RepoDigests: await engine.repoDigestsOf(image),
    Parent: '',
    Comment: image.config.history?.at(-1)?.comment ?? '',
    Created: image.config.created ?? '',
    DockerVersion: '',
    Author: image.config.author ?? '',
    // #endregion inspect
    // #region inspect-config
    Config: {
      Hostname: '',
      Domainname: '',
      User: c.User ?? '',
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      ExposedPorts: c.ExposedPorts ?? undefined,
      Tty: false,
      OpenStdin: false,
      StdinOnce: false,
      Env: c.Env ?? null,
      Cmd: c.Cmd ?? null,
      ...(c.Healthcheck ? { Healthcheck: c.Healthcheck } : {}),
      Image: '',
      Volumes: c.Volumes ?? null,
      WorkingDir: c.WorkingDir ?? '',
      Entrypoint: c.Entrypoint ?? null,
      OnBuild: c.OnBuild ?? null,
      Labels: c.Labels ?? null,
      ...(c.StopSignal ? { StopSignal: c.StopSignal } : {}),
      ...(c.Shell ? { Shell: c.Shell } : {}),
    },
    Architecture: image.config.architecture,
    Os: image.config.os,
    Size: engine.unpackedSize(image),
    RootFS: { Type: 'layers', Layers: image.config.rootfs.diff_ids },
    Metadata: { LastTagTime: '0001-01-01T00:00:00Z' },
  };
}
// #endregion inspect-config

// #region history
export interface HistoryRow { image: string; created?: string; createdBy: string; size: number; comment: string }

/** Newest first, as `docker history` prints; only the top row is named by the image's id. */
export async function historyRows(engine: Engine, image: ImageRecord): Promise<HistoryRow[]> {
  const chains = chainIds(image.config.rootfs.diff_ids);
  let layer = 0;
  const rows = (image.config.history ?? []).map((h): HistoryRow => {
    let size = 0;
    if (!h.empty_layer) {
      const chain = chains[layer];
      size = chain && engine.snapshotter.exists(chain) ? layerSize(engine.snapshotter.info(chain)) : (image.manifest.layers[layer]?.size ?? 0);
      layer++;
    }
    return { image: '<missing>', created: h.created, createdBy: h.created_by ?? '', size, comment: h.comment ?? '' };
  });
  rows.reverse();
  if (rows.length > 0) rows[0].image = shortId(image.id);
  return rows;
}
// #endregion history
