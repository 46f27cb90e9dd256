// manifests.ts — a manifest from a registry, by tag or digest, its digest checked, an index resolved.

import {
  digestOf, documentKind, parseIndex, selectPlatform, MediaType, type Digest, type Platform,
} from '../../02-images/index.js';
import { remoteError, VerificationError } from './errors.js';
import { readAll } from './http.js';
import type { RegistrySession } from './session.js';

// #region fetch-manifest
/** Every manifest type skiffd can store, as docker's Accept lists them. */
const ACCEPT = [MediaType.ociManifest, MediaType.dockerManifest, MediaType.ociIndex, MediaType.dockerManifestList].join(', ');

export interface FetchedManifest {
  bytes: Buffer;
  mediaType: string;
  digest: Digest;
}

/**
 * `GET /v2/NAME/manifests/REF`. By digest, the bytes must hash to it; by
 * tag, to the `Docker-Content-Digest` the registry sent, if it sent one.
 */
export async function fetchManifest(session: RegistrySession, repository: string, reference: string, signal?: AbortSignal): Promise<FetchedManifest> {
  const res = await session.request('GET', `/v2/${repository}/manifests/${reference}`, {
    scopes: [`repository:${repository}:pull`], headers: { Accept: ACCEPT }, signal,
  });
  if (res.statusCode !== 200) {
    const at = reference.startsWith('sha256:') ? '@' : ':';
    throw await remoteError(res, `manifest for ${session.domain}/${repository}${at}${reference}${res.statusCode === 404 ? ' not found' : ''}`);
  }
  const bytes = await readAll(res);
  const digest = digestOf(bytes);
  const promised = reference.startsWith('sha256:') ? reference : (res.headers['docker-content-digest'] as string | undefined);
  if (promised && promised !== digest) {
    throw new VerificationError(`manifest verification failed for ${repository}:${reference}: expected ${promised}, the bytes hash to ${digest}`);
  }
  const mediaType = (res.headers['content-type'] ?? '').split(';')[0]!.trim();
  return { bytes, mediaType, digest };
}
// #endregion fetch-manifest

// #region resolve-platform
/**
 * The image manifest for a platform: the document itself, or, for an index
 * (a Docker manifest list), the entry for the platform, fetched by digest.
 */
export async function resolveImageManifest(
  session: RegistrySession, repository: string, top: FetchedManifest, platform: Platform, signal?: AbortSignal,
): Promise<FetchedManifest> {
  if (documentKind(top.bytes, top.mediaType) !== 'index') return top;
  const chosen = selectPlatform(parseIndex(top.bytes), platform);
  return fetchManifest(session, repository, chosen.digest, signal);
}
// #endregion resolve-platform
