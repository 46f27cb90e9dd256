// cgroup-files.ts — a limit is a write into a file of the container's cgroup.

import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RuntimeError } from './errors.js';

// #region write
export function write(dir: string, file: string, value: string | number): void {
  if (!existsSync(join(dir, file))) {
    throw new RuntimeError(`cgroup: ${file} does not exist in ${dir}: is the ${file.split('.')[0]} controller enabled on this host?`);
  }
  try {
    writeFileSync(join(dir, file), String(value));
  } catch (err) {
    throw new RuntimeError(`cgroup: cannot write ${value} to ${join(dir, file)}: ${(err as NodeJS.ErrnoException).code}`);
  }
}
/** A setting of config.json: a host whose cgroup lacks the file refuses it, naming the field. */
export function writeField(dir: string, file: string, value: string | number, field: string): void {
  if (!existsSync(join(dir, file))) {
    throw new RuntimeError(`config.json: ${field}: this host's cgroup has no ${file} (no ${file.split('.')[0]} controller here)`);
  }
  write(dir, file, value);
}
// #endregion write
