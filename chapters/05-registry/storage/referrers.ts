// referrers.ts — what points at a manifest: signatures, SBOMs, attestations.

import { MediaType, type ContentStore, type Digest, type Descriptor, type OciIndex, isDigest } from '../../02-images/index.js';
import type { Layout } from './layout.js';
import { entriesOf, readLink } from './links.js';
import { mediaTypeOf } from './manifests.js';
import { join } from 'node:path';

// #region referrers
export async function listReferrers(
  store: ContentStore, layout: Layout, name: string, subject: Digest, artifactType?: string,
): Promise<OciIndex> {
  const manifests: Descriptor[] = [];
  for (const hex of (await entriesOf(layout.referrersDir(name, subject))).sort()) {
    const digest = await readLink(join(layout.referrersDir(name, subject), hex, 'link'));
    if (!digest || !isDigest(digest) || !store.has(digest)) continue;
    const bytes = await store.read(digest);
    const body = JSON.parse(bytes.toString('utf8')) as {
      artifactType?: string; config?: { mediaType?: string }; annotations?: Record<string, string>;
    };
    const descriptor: Descriptor = { mediaType: mediaTypeOf(bytes), digest, size: bytes.length };
    const type = body.artifactType ?? body.config?.mediaType;
    if (type !== undefined) descriptor.artifactType = type;
    if (body.annotations) descriptor.annotations = body.annotations;
    if (artifactType === undefined || type === artifactType) manifests.push(descriptor);
  }
  return { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests };
}
// #endregion referrers
