// htpasswd.ts — users and their bcrypt-hashed passwords, in Apache's file format.

import { existsSync, readFileSync } from 'node:fs';
import bcrypt from 'bcryptjs';
import { InvalidArgumentError } from '../../01-namespaces/index.js';
import { writeSecretFile } from './secret-file.js';

// #region htpasswd-format
const BCRYPT_RE = /^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/;
const USER_RE = /^[^:\s]+$/;

/**
 * A cost-10 bcrypt hash of nothing anyone knows, for unknown users to be
 * checked against; written out rather than computed, which would cost every
 * start of the registry a tenth of a second.
 */
const DUMMY_HASH = '$2b$10$MDDhOSXRkAWp7nl7.L71Y.Sc6wQMCJfElMqLEGrJaCOOm3PnAaHfC';
// #endregion htpasswd-format

// #region htpasswd
export class Htpasswd {
  private constructor(private readonly users: Map<string, string>, readonly path: string) {}

  static load(path: string, options: { mustExist: boolean } = { mustExist: true }): Htpasswd {
    if (!existsSync(path) && !options.mustExist) return new Htpasswd(new Map(), path);
    const users = new Map<string, string>();
    readFileSync(path, 'utf8').split('\n').forEach((line, i) => {
      if (line.trim() === '' || line.startsWith('#')) return;
      const colon = line.indexOf(':');
      const [user, hash] = [line.slice(0, colon), line.slice(colon + 1).trim()];
      if (colon <= 0 || !BCRYPT_RE.test(hash)) {
        throw new InvalidArgumentError(`${path}:${i + 1}: not a bcrypt entry (use htpasswd -B, or skiff-registry adduser)`);
      }
      users.set(user, hash);
    });
    return new Htpasswd(users, path);
  }

  /** Whether the password is the user's; an unknown user costs a hash too, so timing does not tell users apart. */
  async verify(user: string, password: string): Promise<boolean> {
    const hash = this.users.get(user);
    const ok = await bcrypt.compare(password, hash ?? DUMMY_HASH);
    return hash !== undefined && ok;
  }

  /** Whether the file still names the user (a refresh token outlives nothing the file takes away). */
  has(user: string): boolean {
    return this.users.has(user);
  }

  /** Adds or replaces a user, and writes the file whole (mode 0600: hashes are still secrets). */
  async set(user: string, password: string): Promise<void> {
    if (!USER_RE.test(user)) throw new InvalidArgumentError(`invalid user name ${JSON.stringify(user)}: no colons or spaces`);
    if (password === '') throw new InvalidArgumentError('the password is empty');
    this.users.set(user, await bcrypt.hash(password, 10));
    const text = [...this.users].map(([u, h]) => `${u}:${h}\n`).join('');
    await writeSecretFile(this.path, text);
  }
}
// #endregion htpasswd
