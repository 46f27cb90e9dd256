// pull.ts — tag → manifest → platform → config and layers in parallel → an image in the store.

import {
  hostPlatform, parseManifest, type Descriptor, type ImageRecord, type ImageRef, type ImageStore,
} from '../../02-images/index.js';
import type { BlobFetcher } from './download.js';
import { fetchManifest, resolveImageManifest } from './manifests.js';
import { byteReporter, layerStatus, type Progress } from './progress.js';
import type { RegistrySession } from './session.js';
import type { BlobSources } from './sources.js';

// #region pull
export interface PullContext {
  store: ImageStore;
  fetcher: BlobFetcher;
  sources: BlobSources;
  progress: Progress;
  signal?: AbortSignal;
}

/**
 * Pulls one image. Nothing is named until every blob is in the store and
 * verified: a pull that fails half-way leaves finished layers (which the
 * next pull skips) and at most one partial file per layer, never an image.
 */
export async function pullImage(session: RegistrySession, ref: ImageRef, ctx: PullContext): Promise<{ record: ImageRecord; digest: string; fresh: boolean }> {
  const repository = ref.path;
  const top = await fetchManifest(session, repository, ref.digest ?? ref.tag ?? 'latest', ctx.signal);
  const chosen = await resolveImageManifest(session, repository, top, hostPlatform(), ctx.signal);
  const { manifest } = parseManifest(chosen.bytes);
  ctx.progress({ status: `Pulling from ${ref.path}`, id: ref.digest ?? ref.tag });

  const fresh = await fetchBlobs(session, repository, manifest.config, manifest.layers, ctx);
  for (const blob of [manifest.config, ...manifest.layers]) ctx.sources.add(blob.digest, `${ref.domain}/${repository}`);
  const before = await ctx.store.resolve(ref.full).catch(() => undefined);
  // The digest the registry knows it by is the top document's (an index, or a Docker manifest
  // before its conversion to OCI), as dockerd records it.
  const repoDigests = [`${ref.domain}/${repository}@${top.digest}`];
  const record = await ctx.store.importManifest(chosen.bytes, { ref: ref.full, mediaType: chosen.mediaType, repoDigests });
  return { record, digest: top.digest, fresh: fresh || before?.id !== record.id };
}
// #endregion pull

// #region fetch-blobs
/**
 * The config and the layers, three at a time as dockerd's default; `true`
 * if any was fetched. The first failure stops the others, and the pull
 * answers only once none is still writing.
 */
async function fetchBlobs(session: RegistrySession, repository: string, config: Descriptor, layers: Descriptor[], ctx: PullContext): Promise<boolean> {
  const missing = layers.filter((l) => !ctx.store.content.has(l.digest));
  for (const layer of layers) layerStatus(ctx.progress, layer.digest, missing.includes(layer) ? 'Pulling fs layer' : 'Already exists');
  const stop = new AbortController();
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, stop.signal]) : stop.signal;
  const queue: (() => Promise<boolean>)[] = [
    () => ctx.fetcher.fetch(session, repository, config, () => {}, signal),
    ...missing.map((layer) => async () => {
      const report = byteReporter(ctx.progress, layer.digest, 'Downloading', layer.size);
      await ctx.fetcher.fetch(session, repository, layer, report, signal);
      layerStatus(ctx.progress, layer.digest, 'Download complete');
      layerStatus(ctx.progress, layer.digest, 'Pull complete');
      return true;
    }),
  ];
  const results: boolean[] = [];
  let failure: { reason: unknown } | undefined;
  const worker = async () => {
    for (let job = queue.shift(); job && !failure; job = queue.shift()) {
      try {
        results.push(await job());
      } catch (reason) {
        failure ??= { reason };
        stop.abort();
      }
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  if (failure) throw failure.reason;
  return results.some(Boolean);
}
// #endregion fetch-blobs
