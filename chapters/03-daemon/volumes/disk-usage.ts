// disk-usage.ts — how many bytes a directory tree holds, as du(1) would count its files.

import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

// #region bytes-under
/** The sizes of the files and links below `dir`, not following links; 0 for a directory that is gone. */
export function bytesUnder(dir: string): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = lstatSync(path);
    total += stat.isDirectory() ? bytesUnder(path) : stat.isFile() || stat.isSymbolicLink() ? stat.size : 0;
  }
  return total;
}
// #endregion bytes-under
