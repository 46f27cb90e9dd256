// upload-routes.ts — pushing blobs: end-4a/4b, 5, 6, 11, 13 and cancel.

import type { IncomingMessage } from 'node:http';
import type { Digest } from '../../02-images/index.js';
import { RegistryError } from '../errors.js';
import { checkDigest, checkName, listRepositories, type RegistryStorage, type UploadStatus } from '../storage/index.js';
import { repositoryAccess, type Grant } from './access.js';
import { parseContentRange } from './ranges.js';
import { sendEmpty } from './responses.js';
import { route, type RequestContext, type Route } from './route.js';

// #region upload-answers
const uploadUrl = (name: string, id: string) => `/v2/${name}/blobs/uploads/${id}`;

/** 202 and where the session stands. distribution answers `0-0` for an empty one, and clients expect it. */
function sendSession(ctx: RequestContext, status: number, session: UploadStatus): void {
  sendEmpty(ctx.res, status, {
    Location: uploadUrl(ctx.name, session.id),
    Range: `0-${Math.max(0, session.size - 1)}`,
    'Docker-Upload-UUID': session.id,
  });
}

function sendBlobCreated(ctx: RequestContext, digest: Digest): void {
  sendEmpty(ctx.res, 201, { Location: `/v2/${ctx.name}/blobs/${digest}`, 'Docker-Content-Digest': digest });
}

/** Whether a request carries a body: a length above zero, or chunked encoding (docker's PATCH). */
const hasBody = (req: IncomingMessage) =>
  Number(req.headers['content-length'] ?? 0) > 0 || /chunked/i.test(req.headers['transfer-encoding'] ?? '');
// #endregion upload-answers

// #region upload-routes
export function uploadRoutes(storage: RegistryStorage): Route[] {
  const push = ({ name }: RequestContext) => [repositoryAccess(name, 'pull', 'push')];
  return [
    route('POST', '/blobs/uploads/', push, (ctx) => startUpload(storage, ctx)),
    route('GET', '/blobs/uploads/:id', push, async (ctx) =>
      sendSession(ctx, 204, await storage.uploads.status(ctx.name, ctx.params.id))),
    route('PATCH', '/blobs/uploads/:id', push, (ctx) => appendChunk(storage, ctx)),
    route('PUT', '/blobs/uploads/:id', push, (ctx) => finishUpload(storage, ctx)),
    route('DELETE', '/blobs/uploads/:id', push, async (ctx) => {
      await storage.uploads.cancel(ctx.name, ctx.params.id);
      sendEmpty(ctx.res, 204);
    }),
  ];
}
// #endregion upload-routes

// #region start-upload
/** POST: a mount, a whole blob in one request, or a new session, in that order of preference. */
async function startUpload(storage: RegistryStorage, ctx: RequestContext): Promise<void> {
  const { query, name, req } = ctx;
  const mount = query.get('mount');
  if (mount !== null) {
    const digest = checkDigest(mount);
    const from = query.get('from');
    const source = from !== null ? checkName(from) : await findVisible(storage, digest, ctx.grant);
    if (source !== undefined && ctx.grant.allows('repository', source, 'pull') && (await storage.blobs.sizeIn(source, digest)) !== undefined) {
      await storage.blobs.hold(digest);
      await storage.blobs.link(name, digest);
      return sendBlobCreated(ctx, digest);
    }
    // Not mountable (or not ours to read): the spec says fall back to an ordinary session.
  }
  const digest = query.get('digest');
  if (digest !== null && mount === null) {
    const checked = checkDigest(digest);
    await storage.blobs.write(name, req, checked);
    return sendBlobCreated(ctx, checked);
  }
  sendSession(ctx, 202, await storage.uploads.start(name));
}

/** Automatic mount (spec 1.1): the first repository the client may pull from that has the blob. */
async function findVisible(storage: RegistryStorage, digest: Digest, grant: Grant): Promise<string | undefined> {
  if (!storage.store.has(digest)) return undefined;
  for (const repo of await listRepositories(storage.layout)) {
    if (grant.allows('repository', repo, 'pull') && (await storage.blobs.sizeIn(repo, digest)) !== undefined) return repo;
  }
  return undefined;
}
// #endregion start-upload

// #region chunks
/** PATCH: one chunk, at the offset its Content-Range names, or at the end. */
async function appendChunk(storage: RegistryStorage, ctx: RequestContext): Promise<void> {
  const range = checkedContentRange(ctx.req);
  const session = await storage.uploads.append(ctx.name, ctx.params.id, ctx.req, range?.start);
  sendSession(ctx, 202, session);
}

function checkedContentRange(req: IncomingMessage): { start: number } | undefined {
  const range = parseContentRange(req.headers['content-range']);
  const length = req.headers['content-length'];
  if (range && length !== undefined && Number(length) !== range.length) {
    throw new RegistryError(416, 'BLOB_UPLOAD_INVALID', `Content-Range names ${range.length} bytes but the body has ${length}`);
  }
  return range;
}

/**
 * PUT `?digest=`: closes the session, with a last chunk in the body or not.
 * A session still empty whose PUT carries the whole blob (containerd) goes
 * straight into the content store, hashed on the way in.
 */
async function finishUpload(storage: RegistryStorage, ctx: RequestContext): Promise<void> {
  const { name, params, req } = ctx;
  const digest = checkDigest(ctx.query.get('digest'));
  const session = await storage.uploads.status(name, params.id);
  if (hasBody(req) && session.size === 0 && req.headers['content-range'] === undefined) {
    try {
      await storage.blobs.write(name, req, digest);
    } finally {
      await storage.uploads.cancel(name, params.id);
    }
    return sendBlobCreated(ctx, digest);
  }
  if (hasBody(req)) await storage.uploads.append(name, params.id, req, checkedContentRange(req)?.start);
  await storage.uploads.commit(name, params.id, digest);
  sendBlobCreated(ctx, digest);
}
// #endregion chunks
