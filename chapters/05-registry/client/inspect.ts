// inspect.ts — what a registry holds under a name, without pulling it (`GET /distribution/{name}/json`).

import { documentKind, parseIndex, parseManifest, type ImageRef } from '../../02-images/index.js';
import { remoteError } from './errors.js';
import { readAll } from './http.js';
import { fetchManifest } from './manifests.js';
import type { RegistrySession } from './session.js';

// #region inspect-remote
/**
 * moby's answer: the descriptor of the document the name points to, and
 * its platforms — an index's entries, or the one in an image's config.
 */
export async function inspectRemote(session: RegistrySession, ref: ImageRef): Promise<Record<string, unknown>> {
  const top = await fetchManifest(session, ref.path, ref.digest ?? ref.tag ?? 'latest');
  const descriptor = { mediaType: top.mediaType, digest: top.digest, size: top.bytes.length };
  if (documentKind(top.bytes, top.mediaType) === 'index') {
    const platforms = parseIndex(top.bytes).manifests.flatMap((m) => (m.platform ? [m.platform] : []));
    return { Descriptor: descriptor, Platforms: platforms };
  }
  const config = parseManifest(top.bytes).manifest.config;
  const res = await session.request('GET', `/v2/${ref.path}/blobs/${config.digest}`, { scopes: [`repository:${ref.path}:pull`] });
  if (res.statusCode !== 200) throw await remoteError(res, `fetching config ${config.digest}`);
  const { architecture, os, variant } = JSON.parse((await readAll(res)).toString('utf8')) as Record<string, string>;
  return { Descriptor: descriptor, Platforms: [{ architecture, os, ...(variant ? { variant } : {}) }] };
}
// #endregion inspect-remote
