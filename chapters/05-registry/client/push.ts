// push.ts — an image from the store to a registry: its blobs, then its manifest under a tag.

import { MediaType, type ImageRecord, type ImageStore } from '../../02-images/index.js';
import { remoteError, VerificationError } from './errors.js';
import { byteReporter, layerStatus, type Progress } from './progress.js';
import type { RegistrySession } from './session.js';
import type { BlobSources } from './sources.js';
import { uploadBlob, type UploadTarget } from './upload.js';

// #region push
export interface PushContext {
  store: ImageStore;
  sources: BlobSources;
  progress: Progress;
  chunkSize: number;
  signal?: AbortSignal;
}

/**
 * Pushes one image under `repository:tag`. The manifest goes last: a
 * registry may refuse a manifest whose blobs it does not have, and a reader
 * must never find a tag that names an incomplete image.
 */
export async function pushImage(session: RegistrySession, repository: string, tag: string, image: ImageRecord, ctx: PushContext) {
  const target: UploadTarget = { session, repository, content: ctx.store.content, chunkSize: ctx.chunkSize, signal: ctx.signal };
  const layers = [...image.manifest.layers].reverse(); // docker lists the top layer first
  for (const layer of layers) layerStatus(ctx.progress, layer.digest, 'Preparing');
  const sameRegistry = (digest: typeof image.id) =>
    ctx.sources.of(digest).filter((r) => r.startsWith(`${session.domain}/`)).map((r) => r.slice(session.domain.length + 1));
  await Promise.all(layers.map(async (layer) => {
    const report = byteReporter(ctx.progress, layer.digest, 'Pushing', layer.size);
    const outcome = await uploadBlob(target, layer, sameRegistry(layer.digest), report);
    const words = { exists: 'Layer already exists', mounted: `Mounted from ${'from' in outcome ? outcome.from : ''}`, pushed: 'Pushed' };
    layerStatus(ctx.progress, layer.digest, words[outcome.kind]);
  }));
  await uploadBlob(target, image.manifest.config, sameRegistry(image.manifest.config.digest), () => {});
  for (const blob of [image.manifest.config, ...image.manifest.layers]) ctx.sources.add(blob.digest, `${session.domain}/${repository}`);
  return putManifest(session, repository, tag, image, ctx);
}
// #endregion push

// #region put-manifest
/** `PUT /v2/NAME/manifests/TAG` with the stored bytes, byte for byte, so the digest stays the same. */
async function putManifest(session: RegistrySession, repository: string, tag: string, image: ImageRecord, ctx: PushContext) {
  const bytes = await ctx.store.content.read(image.manifestDigest);
  const res = await session.request('PUT', `/v2/${repository}/manifests/${tag}`, {
    scopes: [`repository:${repository}:pull,push`], signal: ctx.signal, body: bytes,
    headers: { 'Content-Type': image.manifest.mediaType ?? MediaType.ociManifest, 'Content-Length': bytes.length },
  });
  if (res.statusCode !== 201) throw await remoteError(res, `pushing the manifest of ${repository}:${tag}`);
  res.resume();
  const said = res.headers['docker-content-digest'];
  if (said && said !== image.manifestDigest) {
    throw new VerificationError(`the registry stored the manifest of ${repository}:${tag} as ${said}, not ${image.manifestDigest}`);
  }
  return { tag, digest: image.manifestDigest as string, size: bytes.length };
}
// #endregion put-manifest
