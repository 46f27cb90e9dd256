// readonly-runtime.ts — the Node binary that runs init, read-only to anyone
// who reaches it from a container (CVE-2019-5736).

import { closeSync, openSync } from 'node:fs';
import { CLONE, MS, mount, setns, unshare } from './libc.js';
import { bindMount } from './rootfs.js';

// #region readonly-runtime
/**
 * Runs `start` (a spawn of init) in a mount namespace of its own where the
 * Node binary is a read-only bind mount of itself, then comes back to ours.
 *
 * An init that joins a container's PID namespace (`exec`'s) is a Node
 * process there for the whole of its boot, seen by the container's
 * processes, while its /proc/PID/exe is the host's Node. CVE-2019-5736 was runc's version of
 * this: a process in the container reopened /proc/PID/exe of the runtime
 * and wrote over the binary once it had exited. runc now runs from a
 * sealed copy, or from a read-only mount of itself; the mount is the
 * cheaper here (Node's binary is around 100 MB to copy). An open for
 * writing through the link then fails with EROFS, whoever asks. The
 * namespace is the child's alone (MS_SLAVE: nothing made in it reaches the
 * host's); ours is joined back at once, as chapter 01's exec does with the
 * container's PID namespace.
 */
export function withReadonlyRuntime<T>(start: () => T): T {
  const own = openSync('/proc/self/ns/mnt', 'r');
  const cwd = process.cwd();
  try {
    unshare(CLONE.NEWNS); // also gives the calling thread its own root and cwd (CLONE_FS), which setns back needs
    mount(null, '/', null, MS.REC | MS.SLAVE);
    bindMount(process.execPath, process.execPath, MS.BIND | MS.RDONLY);
    return start();
  } finally {
    setns(own, CLONE.NEWNS); // which also moves our root and cwd to its root (setns(2))
    closeSync(own);
    process.chdir(cwd);
  }
}
// #endregion readonly-runtime
