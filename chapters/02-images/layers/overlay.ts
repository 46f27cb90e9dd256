// overlay.ts — stacking snapshots into one root filesystem with overlayfs (kernel `Documentation/filesystems/overlayfs.rst`).

import { readFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { mount, MS, umount2 } from '../../01-namespaces/index.js';

// #region mount-type
/** One mount, as a snapshotter describes it (containerd's `mount.Mount`). */
export interface Mount {
  type: 'overlay' | 'bind';
  source: string;
  options: string[];
}
// #endregion mount-type

// #region mount-rootfs
/**
 * The kernel copies mount(2)'s `data` into a single page (`man 2 mount`),
 * so "lowerdir=..." must fit in 4096 bytes. With absolute paths that is
 * about forty layers; relative to a shared parent it is some sixty.
 */
const PAGE_SIZE = 4096;

/** Mounts a snapshot's view at `target` (an existing, empty directory). */
export function mountRootfs(mounts: readonly Mount[], target: string): void {
  for (const m of mounts) {
    if (m.type === 'bind') {
      mount(m.source, target, null, MS.BIND | MS.REC);
      if (m.options.includes('ro')) mount(null, target, null, MS.BIND | MS.REMOUNT | MS.RDONLY);
    } else {
      mountOverlay(m.options, target);
    }
  }
}

function mountOverlay(allOptions: readonly string[], target: string): void {
  // "ro" is a mount flag, not an overlayfs option.
  const flags = allOptions.includes('ro') ? MS.RDONLY : 0;
  const options = allOptions.filter((o) => o !== 'ro' && o !== 'rw');
  const data = options.join(',');
  if (data.length < PAGE_SIZE) return mount('overlay', target, 'overlay', flags, data);
  // #endregion mount-rootfs
  // #region relative-paths
  // Too long: make every path relative to the directory they share and
  // mount from there. overlayfs resolves the paths in the mounting process's
  // working directory, which Node lets the main thread change.
  const dirOptions = ['lowerdir', 'upperdir', 'workdir'];
  const isDirOption = (o: string): boolean => dirOptions.includes(o.split('=')[0]);
  const paths = options.filter(isDirOption).flatMap((o) => o.slice(o.indexOf('=') + 1).split(':'));
  const base = commonParent(paths);
  const relativeData = options
    .map((o) => {
      if (!isDirOption(o)) return o;
      const [key, value] = [o.slice(0, o.indexOf('=')), o.slice(o.indexOf('=') + 1)];
      return `${key}=${value.split(':').map((p) => relative(base, p)).join(':')}`;
    })
    .join(',');
  if (relativeData.length >= PAGE_SIZE) {
    throw new Error(`too many layers for one overlay mount: the options need ${relativeData.length} bytes, the kernel takes ${PAGE_SIZE - 1}`);
  }
  const cwd = process.cwd();
  process.chdir(base);
  try {
    mount('overlay', target, 'overlay', flags, relativeData);
  } finally {
    process.chdir(cwd);
  }
}

/** The deepest directory containing every one of `paths` (absolute). */
function commonParent(paths: string[]): string {
  let base = dirname(paths[0]);
  while (base !== '/' && !paths.every((p) => p.startsWith(`${base}/`))) base = dirname(base);
  return base;
}
// #endregion relative-paths

// #region unmount-rootfs
/** Unmounts what mountRootfs mounted at `target`. */
export function unmountRootfs(target: string): void {
  // Not MNT_DETACH: a lazy unmount would let a busy rootfs live on unseen,
  // and the caller is about to commit or delete the layer under it.
  umount2(target);
}

/**
 * Is `dir` in use by a mount: mounted on, bind-mounted from, or an
 * overlay's upperdir? Read from /proc/self/mountinfo (`man 5 proc`):
 * field 4 is the mounted directory's path inside its filesystem, field 5
 * the mount point, and the super options after " - " hold overlayfs's dirs.
 */
export function isInUse(dir: string): boolean {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((line) => {
      const fields = line.split(' ');
      if (fields[4] === dir) return true;
      if (fields[3] && fields[3] !== '/' && dir.endsWith(fields[3])) return true;
      const superOptions = line.slice(line.indexOf(' - ') + 3).split(' ')[2] ?? '';
      return superOptions.split(',').includes(`upperdir=${dir}`);
    });
}
// #endregion unmount-rootfs
