// blob-routes.ts — reading and deleting blobs: end-2 and end-10.

import { blobUnknown, unsupported } from '../errors.js';
import { checkDigest, type RegistryStorage } from '../storage/index.js';
import { repositoryAccess } from './access.js';
import { parseRange } from './ranges.js';
import { sendEmpty } from './responses.js';
import { sendFile } from './send-file.js';
import { route, type RequestContext, type Route } from './route.js';

// #region blob-routes
export function blobRoutes(storage: RegistryStorage, options: { deleteEnabled: boolean }): Route[] {
  const pull = ({ name }: RequestContext) => [repositoryAccess(name, 'pull')];
  const del = ({ name }: RequestContext) => [repositoryAccess(name, 'delete')];
  return [
    route('HEAD', '/blobs/:digest', pull, (ctx) => serveBlob(storage, ctx)),
    route('GET', '/blobs/:digest', pull, (ctx) => serveBlob(storage, ctx)),
    route('DELETE', '/blobs/:digest', del, async ({ res, name, params }) => {
      if (!options.deleteEnabled) throw unsupported(405, 'deleting is disabled on this registry');
      await storage.blobs.unlink(name, checkDigest(params.digest));
      sendEmpty(res, 202);
    }),
  ];
}

async function serveBlob(storage: RegistryStorage, { req, res, name, params }: RequestContext): Promise<void> {
  const digest = checkDigest(params.digest);
  const size = await storage.blobs.sizeIn(name, digest);
  if (size === undefined) throw blobUnknown(digest);
  const range = parseRange(req.headers.range, size);
  const headers = {
    'Content-Type': 'application/octet-stream',
    'Docker-Content-Digest': digest,
    'Accept-Ranges': 'bytes',
    'Content-Length': range ? range.end - range.start + 1 : size,
    ...(range && { 'Content-Range': `bytes ${range.start}-${range.end}/${size}` }),
  };
  res.writeHead(range ? 206 : 200, headers);
  if (req.method === 'HEAD' || size === 0) return void res.end();
  await sendFile(res, storage.blobs.pathOf(digest), range?.start ?? 0, range?.end ?? size - 1).catch(() => res.destroy()); // a client that hung up
}
// #endregion blob-routes
