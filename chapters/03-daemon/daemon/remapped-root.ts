// remapped-root.ts — --userns-remap: whose subordinate ids every container's root is (moby's parseRemappedRoot).

import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InvalidArgumentError, NotFoundError, type IdMapping } from '../../01-namespaces/index.js';
import { ownerOnHost, type IdMap } from '../../02-images/index.js';

// #region remapped-root
/** The user whose ranges containers are mapped into, and those ranges. */
export interface RemappedRoot extends IdMap {
  user: string;
  group: string;
  /** The host uid and gid of the containers' root: the first subordinate ids. */
  root: { uid: number; gid: number };
}

/** What `--userns-remap default` means: dockerd's own system user, made if missing. */
export const DEFAULT_REMAP_USER = 'dockremap';

/**
 * `default`, or `USER[:GROUP]` by name or number, as dockerd reads it. The
 * group defaults to the user's name. Answers undefined for root, whom
 * dockerd will not remap to itself: user namespaces stay off.
 */
export function remappedRoot(value: string, warn: (line: string) => void): RemappedRoot | undefined {
  const [userPart = '', groupPart] = value.split(':', 2);
  const isDefault = value === 'default';
  if (isDefault && !lookup('passwd', DEFAULT_REMAP_USER)) addRemapUser(DEFAULT_REMAP_USER);
  const user = isDefault ? DEFAULT_REMAP_USER : userName(userPart);
  const group = isDefault ? DEFAULT_REMAP_USER : groupName(groupPart ?? user);
  if (user === 'root') {
    warn('User namespaces: root cannot be remapped with itself; user namespaces are OFF');
    return undefined;
  }
  if (isDefault) addMissingRanges(user);
  const uids = idMappings('/etc/subuid', user, 'subuid');
  const gids = idMappings('/etc/subgid', group, 'subgid');
  return { user, group, uids, gids, root: ownerOnHost({ uids, gids }, { uid: 0, gid: 0 }) };
}
// #endregion remapped-root

// #region getent
/** An entry of the passwd or group database, through getent(1) as dockerd asks it (NSS: files, LDAP…). */
function lookup(database: 'passwd' | 'group', key: string): string[] | undefined {
  const r = spawnSync('getent', [database, key], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0]!.split(':') : undefined;
}

/** A user named by name or uid, answered by name; refused in dockerd's words if there is none. */
function userName(user: string): string {
  const entry = lookup('passwd', user);
  if (entry) return entry[0]!;
  const missing = `getent unable to find entry "${user}" in passwd database`;
  throw new NotFoundError(/^\d+$/.test(user) ? `Uid ${user} has no entry in /etc/passwd: ${missing}` : `Error during uid lookup for "${user}": ${missing}`);
}

function groupName(group: string): string {
  const entry = lookup('group', group);
  if (entry) return entry[0]!;
  throw new NotFoundError(`Error during groupname lookup for "${group}": getent unable to find entry "${group}" in group database`);
}
// #endregion getent

// #region subordinate-ids
/** One line of subuid(5)/subgid(5): `name:first:count` (the name may be a uid or gid). */
interface SubordinateRange { owner: string; start: number; count: number }

function readRanges(file: string): SubordinateRange[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#')).map((line) => {
    const [owner = '', start = '', count = ''] = line.split(':');
    return { owner, start: Number(start), count: Number(count) };
  }).filter((r) => Number.isInteger(r.start) && Number.isInteger(r.count) && r.count > 0);
}

/**
 * The user's ranges as mappings: the first starts at the container's id 0,
 * each next one where the last ended, as dockerd stacks them.
 */
function idMappings(file: string, owner: string, kind: 'subuid' | 'subgid'): IdMapping[] {
  const id = lookup(kind === 'subuid' ? 'passwd' : 'group', owner)?.[2];
  const ranges = readRanges(file).filter((r) => r.owner === owner || r.owner === id);
  if (ranges.length === 0) throw new InvalidArgumentError(`Can't create ID mappings: no ${kind} ranges found for ${kind === 'subuid' ? 'user' : 'group'} "${owner}"`);
  let next = 0;
  return ranges.sort((a, b) => a.start - b.start).map((r) => {
    const mapping = { containerID: next, hostID: r.start, size: r.count };
    next += r.count;
    return mapping;
  });
}
// #endregion subordinate-ids

// #region add-remap-user
/**
 * A system user with no home and no login, and its own group: adduser(8)
 * where Debian has it, else useradd(8) — dockerd tries them in that order.
 */
function addRemapUser(name: string): void {
  const adduser = ['adduser', '--system', '--shell', '/bin/false', '--no-create-home', '--disabled-login', '--disabled-password', '--group', name];
  const useradd = ['useradd', '--system', '--shell', '/bin/false', '--no-create-home', '--user-group', name];
  const found = spawnSync('sh', ['-c', 'command -v adduser'], { encoding: 'utf8' }).status === 0;
  const [cmd, ...args] = found ? adduser : useradd;
  const r = spawnSync(cmd!, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new InvalidArgumentError(`Error adding user "${name}": ${(r.stderr || r.stdout).trim()}`);
}
// #endregion add-remap-user

// #region add-ranges
/** Ranges dockerd gives its own user: 65536 ids each, the first gap from 100000 up in each file. */
const FIRST_SUBORDINATE_ID = 100000;
const RANGE_SIZE = 65536;

function addMissingRanges(user: string): void {
  const args: string[] = [];
  for (const [file, option] of [['/etc/subuid', '--add-subuids'], ['/etc/subgid', '--add-subgids']] as const) {
    const ranges = readRanges(file);
    if (ranges.some((r) => r.owner === user)) continue;
    const start = firstGap(ranges);
    args.push(option, `${start}-${start + RANGE_SIZE - 1}`);
  }
  if (args.length === 0) return;
  // usermod(8) writes subuid(5) and subgid(5) under their locks.
  const r = spawnSync('usermod', [...args, user], { encoding: 'utf8' });
  if (r.status !== 0) throw new InvalidArgumentError(`Error adding subordinate ranges for "${user}": ${r.stderr.trim()}`);
}

/** The lowest start from FIRST_SUBORDINATE_ID up where RANGE_SIZE ids overlap no range given out. */
function firstGap(ranges: readonly SubordinateRange[]): number {
  let start = FIRST_SUBORDINATE_ID;
  for (const r of [...ranges].sort((a, b) => a.start - b.start)) {
    if (r.start + r.count <= start) continue;
    if (r.start >= start + RANGE_SIZE) break;
    start = r.start + r.count;
  }
  return start;
}
// #endregion add-ranges

// #region remapped-data-root
/**
 * Where a remapped daemon keeps everything: `<data-root>/<uid>.<gid>`, so
 * that images unpacked for one range are never used with another. Both
 * directories are root's, searchable by the remapped root's group only
 * (0710), as dockerd makes them; every directory above must let anyone
 * search it (o+x), or the containers' root could not reach its rootfs.
 */
export function remappedDataRoot(dataRoot: string, root: RemappedRoot['root']): string {
  const dir = join(dataRoot, `${root.uid}.${root.gid}`);
  for (let up = dirname(dataRoot); ; up = dirname(up)) {
    const mode = existsSync(up) ? statSync(up).mode : 0o1;
    if ((mode & 0o1) === 0) {
      throw new InvalidArgumentError(`a subdirectory in your graphroot path (${dir}) restricts access to the remapped root uid/gid; please fix by allowing 'o+x' permissions on existing directories`);
    }
    if (up === '/') break;
  }
  for (const d of [dataRoot, dir]) {
    mkdirSync(d, { recursive: true });
    chmodSync(d, 0o710);
    chownSync(d, 0, root.gid);
  }
  return dir;
}
// #endregion remapped-data-root
