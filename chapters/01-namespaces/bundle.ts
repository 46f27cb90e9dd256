// bundle.ts — reading a bundle's config.json, before any checking.

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RuntimeError } from './errors.js';

// #region read-config
/** The parsed JSON of `<bundle>/config.json`; not yet checked. */
export function readConfigJson(bundleDir: string): unknown {
  const file = join(resolve(bundleDir), 'config.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !existsSync(bundleDir)) throw new RuntimeError(`bundle ${bundleDir}: no such directory`);
    if (code === 'ENOENT') throw new RuntimeError(`bundle ${bundleDir}: no config.json (is this an OCI bundle?)`);
    throw new RuntimeError(`bundle ${bundleDir}: cannot read config.json: ${code}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new RuntimeError(`config.json: not valid JSON: ${(err as Error).message}`);
  }
}
// #endregion read-config
