// lookpath.ts — finding the program to run, the way a shell would.

import { accessSync, constants, statSync } from 'node:fs';
import { RuntimeError } from './errors.js';

// #region lookpath
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function lookPath(name: string, env: readonly string[]): string {
  if (name.includes('/')) {
    try {
      statSync(name);
    } catch {
      throw new RuntimeError(`exec: ${JSON.stringify(name)}: no such file or directory`, 127);
    }
    if (!isExecutableFile(name)) throw new RuntimeError(`exec: ${JSON.stringify(name)}: permission denied`, 126);
    return name;
  }
  const path = env.find((e) => e.startsWith('PATH='))?.slice(5) ?? DEFAULT_PATH;
  for (const dir of path.split(':')) {
    const candidate = `${dir || '.'}/${name}`;
    if (isExecutableFile(candidate)) return candidate;
  }
  throw new RuntimeError(`exec: ${JSON.stringify(name)}: executable file not found in $PATH`, 127);
}
// #endregion lookpath
