// on-demand.ts — the archive formats, loaded by their first call.
//
// Reading and writing `docker save` and OCI archives takes tar-stream and
// four modules of ours, and most commands never touch an archive: each is a
// fresh process, and `images`, `tag` or `run` would pay for loading them
// all the same. So the store's door offers these stand-ins, which import
// archive.ts the first time one is called. A caller just calls them.

// #region archives
type Archives = typeof import('./archive.js');
const archives = (): Promise<Archives> => import('./archive.js');

/** `docker load`: every image of a `docker save` or OCI archive (archive.ts). */
export const loadArchive = async (...args: Parameters<Archives['loadArchive']>) => (await archives()).loadArchive(...args);
/** `docker save` to a stream. */
export const saveArchive = async (...args: Parameters<Archives['saveArchive']>) => (await archives()).saveArchive(...args);
/** `docker save -o FILE`: written whole or not at all. */
export const saveArchiveToFile = async (...args: Parameters<Archives['saveArchiveToFile']>) =>
  (await archives()).saveArchiveToFile(...args);
// #endregion archives
