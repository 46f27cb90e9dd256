// build-context.ts — the files COPY and ADD take, and how they land in the image (Dockerfile reference, "COPY").

import { createHash } from 'node:crypto';
import { createReadStream, existsSync, lstatSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import { chmod, copyFile, lchown, link, lutimes, mkdir, rm, symlink } from 'node:fs/promises';
import { basename, join, posix, relative } from 'node:path';
import type { IgnoreRule } from './dockerignore.js';
import { InvalidArgumentError, resolveInRoot } from '../../01-namespaces/index.js';

// #region context-file
/** One file, directory or link of the context that a COPY takes. */
export interface ContextFile {
  /** Path on the host. */
  hostPath: string;
  /** Where it goes, relative to the destination: `a.txt`, `sub/b.txt`. */
  target: string;
  stats: Stats;
}

/** A context path that COPY could not use; the message is Docker's. */
export class ContextError extends InvalidArgumentError {}
// #endregion context-file

// #region sources
/**
 * Expands the sources of one COPY into the files it takes. `destIsDir` is
 * Docker's rule: the destination is a directory if it ends with `/`, if there
 * are several sources, or if it already is one in the image.
 */
export function collectSources(contextDir: string, ignored: IgnoreRule, sources: string[]): ContextFile[] {
  const files: ContextFile[] = [];
  for (const source of sources) {
    const matches = matchSource(contextDir, ignored, source);
    if (matches.length === 0) {
      throw new ContextError(
        `COPY failed: file not found in build context or excluded by .dockerignore: stat ${source}: file does not exist`,
      );
    }
    for (const rel of matches) {
      const hostPath = contextPath(contextDir, rel);
      const stats = lstatSync(hostPath);
      if (stats.isDirectory()) files.push(...walk(contextDir, ignored, rel, ''));
      else files.push({ hostPath, target: basename(rel), stats });
    }
  }
  return files;
}

// #endregion sources

// #region match-source
/** Context-relative paths a source names: itself, or what its wildcard matches. */
function matchSource(contextDir: string, ignored: IgnoreRule, source: string): string[] {
  const rel = posix.normalize(source.replace(/^\/+/, '')).replace(/\/+$/, '') || '.';
  if (rel === '..' || rel.startsWith('../')) throw new ContextError(`forbidden path outside the build context: ${source}`);
  if (!/[*?[]/.test(rel)) {
    if (ignored(rel)) return [];
    // `dir/` or `dir/.` names what a link there points to: follow it, inside the root.
    const named = /\/\.?$/.test(source) ? relative(contextDir, resolveInRoot(contextDir, rel)) || '.' : rel;
    return existsOrLink(contextPath(contextDir, named)) ? [named] : [];
  }
  const pattern = globToRegExp(rel);
  const all: string[] = [];
  const visit = (dir: string): void => {
    for (const name of readdirSync(join(contextDir, dir)).sort()) {
      const path = dir === '.' ? name : `${dir}/${name}`;
      if (ignored(path)) continue;
      if (pattern.test(path)) all.push(path);
      else if (lstatSync(join(contextDir, path)).isDirectory()) visit(path);
    }
  };
  visit('.');
  return all;
}

// #endregion match-source

// #region context-path
/**
 * Where a context-relative path is on the host. The directories on the way
 * are resolved inside the context root (chapter 01's resolveInRoot), the way
 * Docker does: a link `evil -> /etc` makes `evil/hostname` mean the context's
 * own `etc/hostname`, never the host's. The last name is left as it is, so a
 * link named as a source is copied as a link.
 */
function contextPath(contextDir: string, rel: string): string {
  if (rel === '.') return contextDir;
  return join(resolveInRoot(contextDir, posix.dirname(rel)), posix.basename(rel));
}

function existsOrLink(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

// #endregion context-path

// #region glob
/** Go's filepath.Match as a regular expression: `*` and `?` never cross a `/`. */
function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) throw new ContextError(`syntax error in pattern: ${glob}`);
      re += '[' + glob.slice(i + 1, end).replace(/^\^/, '!').replace(/^!/, '^') + ']';
      i = end;
    } else re += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

// #endregion glob

// #region walk
/** Every entry under a context directory, minus the excluded ones. */
function walk(contextDir: string, ignored: IgnoreRule, rel: string, target: string): ContextFile[] {
  const out: ContextFile[] = [];
  const hostDir = contextPath(contextDir, rel);
  if (target !== '') out.push({ hostPath: hostDir, target, stats: lstatSync(hostDir) });
  for (const name of readdirSync(hostDir).sort()) {
    const childRel = rel === '.' ? name : `${rel}/${name}`;
    const childTarget = target === '' ? name : `${target}/${name}`;
    const stats = lstatSync(join(hostDir, name));
    if (ignored(childRel)) {
      // An excluded directory may still hold a file a `!` line brings back.
      if (stats.isDirectory() && ignored.hasExceptions) out.push(...walk(contextDir, ignored, childRel, childTarget).slice(1));
      continue;
    }
    if (stats.isDirectory()) out.push(...walk(contextDir, ignored, childRel, childTarget));
    else out.push({ hostPath: join(hostDir, name), target: childTarget, stats });
  }
  return out;
}
// #endregion walk

// #region checksum
/**
 * The checksum the build cache keys a COPY on: names, kinds, modes and
 * contents of what is copied. Times and owners on the host are left out, so
 * a fresh checkout of the same files still hits the cache (Docker does the
 * same) — unless the copy keeps owners (`COPY --from`): then they count.
 */
export async function checksumFiles(files: ContextFile[], withOwners = false): Promise<string> {
  const hash = createHash('sha256');
  for (const file of files) {
    const { stats } = file;
    hash.update(`${file.target}\0${stats.mode.toString(8)}\0${withOwners ? `${stats.uid}:${stats.gid}\0` : ''}`);
    if (stats.isSymbolicLink()) hash.update(`link:${readlinkSync(file.hostPath)}`);
    else if (stats.isFile()) hash.update(await fileDigest(file.hostPath));
    hash.update('\n');
  }
  return hash.digest('hex');
}

async function fileDigest(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
// #endregion checksum

// #region copy
export interface Owner { uid: number; gid: number }

/**
 * Copies the files under `dest` inside the root filesystem `rootfs`. Every
 * path is resolved inside the root (chapter 01's rootfs.ts), so links in the image
 * cannot send a file to the host. Missing parents of kept owners ('preserve')
 * are `root`'s: the image's root as the snapshots store it.
 */
export async function copyIntoRootfs(
  rootfs: string,
  files: ContextFile[],
  dest: string,
  destIsDir: boolean,
  owner: Owner | 'preserve' = { uid: 0, gid: 0 },
  root: Owner = { uid: 0, gid: 0 },
): Promise<void> {
  // Hard links stay hard links (an unpacked `ADD` tar of `busybox --install` is
  // hundreds of names for one file): the first name is copied, the others linked.
  const linked = new Map<string, string>();
  for (const file of files) {
    const inImage = destIsDir ? posix.join(dest, file.target) : dest;
    const hostTarget = resolveInRoot(rootfs, inImage);
    await makeParents(rootfs, posix.dirname(inImage), owner === 'preserve' ? root : owner);
    const { stats } = file;
    if (stats.isDirectory()) {
      await mkdir(hostTarget, { recursive: true });
    } else {
      if (existsOrLink(hostTarget) && !lstatSync(hostTarget).isDirectory()) await rm(hostTarget);
      const inode = `${stats.dev}:${stats.ino}`;
      if (stats.isSymbolicLink()) await symlink(readlinkSync(file.hostPath), hostTarget);
      else if (stats.nlink > 1 && linked.has(inode)) {
        await link(linked.get(inode)!, hostTarget);
        continue; // same inode: owner, mode and times are already set
      } else {
        await copyFile(file.hostPath, hostTarget);
        if (stats.nlink > 1) linked.set(inode, hostTarget);
      }
    }
    // #endregion copy
    // #region copy-metadata
    const { uid, gid } = owner === 'preserve' ? stats : owner;
    await lchown(hostTarget, uid, gid);
    if (!stats.isSymbolicLink()) await chmod(hostTarget, stats.mode & 0o7777);
    await lutimes(hostTarget, stats.atime, stats.mtime);
  }
  if (files.length === 0 && destIsDir) await makeParents(rootfs, dest, owner === 'preserve' ? root : owner);
}

/** Creates the missing directories of `dir` in the image, mode 0755, owned like the copy. */
async function makeParents(rootfs: string, dir: string, owner: Owner): Promise<void> {
  let path = '/';
  for (const part of dir.split('/').filter(Boolean)) {
    path = posix.join(path, part);
    const host = resolveInRoot(rootfs, path);
    if (!existsSync(host)) {
      await mkdir(host, { mode: 0o755 });
      await lchown(host, owner.uid, owner.gid);
    }
  }
}
// #endregion copy-metadata

// #region destination
/** Whether a (wildcard-free) source names a directory of the context. */
export function sourceIsDirectory(contextDir: string, source: string): boolean {
  if (/[*?[]/.test(source)) return false;
  try {
    return lstatSync(contextPath(contextDir, posix.normalize(source.replace(/^\/+/, '')).replace(/\/+$/, '') || '.')).isDirectory();
  } catch {
    return false;
  }
}

/** Docker's rule for whether a COPY destination names a directory. */
export function destinationIsDirectory(rootfs: string, dest: string, sourceCount: number, firstIsDir: boolean): boolean {
  if (dest.endsWith('/') || sourceCount > 1 || firstIsDir) return true;
  const host = resolveInRoot(rootfs, dest);
  try {
    return lstatSync(host).isDirectory();
  } catch {
    return false;
  }
}
// #endregion destination
