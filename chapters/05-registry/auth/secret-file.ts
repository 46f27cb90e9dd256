// secret-file.ts — writing a file only its owner may read, whole or not at all.

import { randomUUID } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { syncDirectory } from '../../01-namespaces/index.js';

// #region secret-file
export async function writeSecretFile(path: string, data: string): Promise<void> {
  const temp = join(dirname(path), `.${randomUUID()}.tmp`);
  const file = await open(temp, 'wx', 0o600);
  try {
    await file.writeFile(data);
    await file.sync();
    await file.close();
    await rename(temp, path);
    syncDirectory(dirname(path));
  } catch (err) {
    await file.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw err;
  }
}
// #endregion secret-file
