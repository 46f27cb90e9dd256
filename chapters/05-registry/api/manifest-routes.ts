// manifest-routes.ts — manifests, tags and referrers: end-3, 7, 8, 9, 12.

import { nameUnknown, RegistryError, unsupported } from '../errors.js';
import {
  checkDigest, checkReference, listReferrers, listTags, MAX_MANIFEST_BYTES, repositoryExists, type RegistryStorage,
} from '../storage/index.js';
import { repositoryAccess } from './access.js';
import { page } from './pagination.js';
import { sendEmpty, sendJson } from './responses.js';
import { route, type RequestContext, type Route } from './route.js';
import type { Readable } from 'node:stream';

// #region manifest-routes
export function manifestRoutes(storage: RegistryStorage, options: { deleteEnabled: boolean }): Route[] {
  const pull = ({ name }: RequestContext) => [repositoryAccess(name, 'pull')];
  const push = ({ name }: RequestContext) => [repositoryAccess(name, 'pull', 'push')];
  const del = ({ name }: RequestContext) => [repositoryAccess(name, 'delete')];
  return [
    route('GET', '/manifests/:reference', pull, (ctx) => getManifest(storage, ctx)),
    route('HEAD', '/manifests/:reference', pull, (ctx) => getManifest(storage, ctx)),
    route('PUT', '/manifests/:reference', push, (ctx) => putManifest(storage, ctx)),
    route('DELETE', '/manifests/:reference', del, async ({ res, name, params }) => {
      if (!options.deleteEnabled) throw unsupported(405, 'deleting is disabled on this registry');
      await storage.manifests.delete(name, checkReference(params.reference));
      sendEmpty(res, 202);
    }),
    route('GET', '/tags/list', pull, (ctx) => tagsList(storage, ctx)),
    route('GET', '/referrers/:digest', pull, (ctx) => referrers(storage, ctx)),
  ];
}
// #endregion manifest-routes

// #region get-put
async function getManifest(storage: RegistryStorage, { req, res, name, params }: RequestContext): Promise<void> {
  const manifest = await storage.manifests.get(name, checkReference(params.reference));
  res.writeHead(200, {
    'Content-Type': manifest.mediaType,
    'Content-Length': manifest.bytes.length,
    'Docker-Content-Digest': manifest.digest,
    ETag: `"${manifest.digest}"`,
  });
  res.end(req.method === 'HEAD' ? undefined : manifest.bytes);
}

async function putManifest(storage: RegistryStorage, { req, res, name, params }: RequestContext): Promise<void> {
  const reference = checkReference(params.reference);
  const bytes = await readManifestBody(req);
  const contentType = req.headers['content-type']?.split(';')[0]!.trim();
  const { digest, subject } = await storage.manifests.put(name, reference, contentType, bytes);
  sendEmpty(res, 201, {
    Location: `/v2/${name}/manifests/${digest}`,
    'Docker-Content-Digest': digest,
    ...(subject && { 'OCI-Subject': subject }),
  });
}
// #endregion get-put

// #region manifest-body
/**
 * The body, whole; past the limit, 413. The rest of an oversized body is
 * read and dropped (up to a bound), so the client gets its answer rather
 * than a connection reset in the middle of its upload.
 */
async function readManifestBody(req: Readable & { headers: Record<string, unknown> }): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 8 * MAX_MANIFEST_BYTES) req.destroy();
    if (size <= MAX_MANIFEST_BYTES) chunks.push(chunk as Buffer);
  }
  if (size > MAX_MANIFEST_BYTES) {
    throw new RegistryError(413, 'SIZE_INVALID', `manifests larger than ${MAX_MANIFEST_BYTES} bytes are not accepted`);
  }
  return Buffer.concat(chunks);
}
// #endregion manifest-body

// #region tags-referrers
async function tagsList(storage: RegistryStorage, { res, name, query }: RequestContext): Promise<void> {
  if (!repositoryExists(storage.layout, name)) throw nameUnknown(name);
  const { items, headers } = page(await listTags(storage.layout, name), query, `/v2/${name}/tags/list`);
  sendJson(res, 200, { name, tags: items }, headers);
}

/** Always 200 with an index, empty when nothing refers to the digest (a 404 would mean "no referrers API"). */
async function referrers(storage: RegistryStorage, { res, name, params, query }: RequestContext): Promise<void> {
  const subject = checkDigest(params.digest);
  const artifactType = query.get('artifactType') ?? undefined;
  const index = await listReferrers(storage.store, storage.layout, name, subject, artifactType);
  sendJson(res, 200, index, {
    'Content-Type': 'application/vnd.oci.image.index.v1+json',
    ...(artifactType !== undefined && { 'OCI-Filters-Applied': 'artifactType' }),
  });
}
// #endregion tags-referrers
