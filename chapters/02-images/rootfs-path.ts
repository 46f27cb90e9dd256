// rootfs-path.ts — a path inside a container's root, resolved as the container would.
//
// When the engine writes into an image's filesystem from the host (COPY,
// WORKDIR, a volume's mount point), a symbolic link in the image must be
// followed as if `/` were the image's root, never the host's: an image whose
// `/app` is a link to `/etc` must not let `COPY x /app/` write into the host's
// /etc. So we walk the path one component at a time and resolve every link
// against the root ourselves, like chroot(2) would (and like the
// `securejoin` idea used by container runtimes).

import { lstatSync, readlinkSync } from 'node:fs';
import { join, posix } from 'node:path';

const MAX_LINKS = 40; // Linux's own limit on links followed in one lookup (path_resolution(7)).

// #region resolve-in-root
/**
 * The host path for `path` inside `root`, with every symbolic link resolved
 * within `root`. Missing components are kept as they are, so the answer can
 * name a file about to be created. The result is always inside `root`.
 */
export function resolveInRoot(root: string, path: string): string {
  const pending = posix.normalize('/' + path).split('/').filter(Boolean);
  const done: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '.') continue;
    if (part === '..') {
      done.pop(); // `..` at the root stays at the root, as in the kernel.
      continue;
    }
    const host = join(root, ...done, part);
    let target: string | null = null;
    try {
      if (lstatSync(host).isSymbolicLink()) target = readlinkSync(host);
    } catch {
      // Does not exist (yet): nothing to follow.
    }
    if (target === null) {
      done.push(part);
      continue;
    }
    if (++links > MAX_LINKS) throw new Error(`too many levels of symbolic links in ${path}`);
    if (target.startsWith('/')) done.length = 0;
    pending.unshift(...target.split('/').filter(Boolean));
  }
  return join(root, ...done);
}
// #endregion resolve-in-root
