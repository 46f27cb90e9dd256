// namespaces.ts — the kernel's views of the world, and how a process gets new ones (`man 7 namespaces`).

import { closeSync, openSync } from 'node:fs';
import { CLONE, setns, unshare } from './libc.js';
import type { NamespaceSpec, NamespaceType } from './spec.js';

// #region namespace-table
/** The clone flag of each kind, and its file name under /proc/<pid>/ns/. */
export const NAMESPACES: Record<Exclude<NamespaceType, 'user' | 'time'>, { flag: number; file: string }> = {
  pid: { flag: CLONE.NEWPID, file: 'pid' },
  network: { flag: CLONE.NEWNET, file: 'net' },
  mount: { flag: CLONE.NEWNS, file: 'mnt' },
  ipc: { flag: CLONE.NEWIPC, file: 'ipc' },
  uts: { flag: CLONE.NEWUTS, file: 'uts' },
  cgroup: { flag: CLONE.NEWCGROUP, file: 'cgroup' },
};

export type SupportedNamespace = keyof typeof NAMESPACES;
// #endregion namespace-table

// #region enter
/** setns(2) into the namespace that `path` names (a /proc/<pid>/ns/* file or a bind mount of one). */
export function joinNamespace(path: string, type: SupportedNamespace): void {
  const fd = openSync(path, 'r');
  try {
    setns(fd, NAMESPACES[type].flag);
  } finally {
    closeSync(fd);
  }
}

/**
 * Give the calling thread the namespaces of `specs`: join those with a path,
 * then make all the new ones with a single unshare(2). The pid namespace is
 * not handled here (it only applies to children, see init-process.ts), nor is
 * the cgroup one (it must wait until the process is in its cgroup), nor the
 * user one (we were started in it, see user-namespace.ts).
 */
export function enterNamespaces(specs: readonly NamespaceSpec[], skip: readonly NamespaceType[] = ['pid', 'cgroup', 'user']): void {
  let flags = 0;
  // Joining a mount namespace needs a filesystem context of our own (see exec).
  if (specs.some((ns) => ns.type === 'mount' && ns.path)) unshare(CLONE.FS);
  for (const ns of specs) {
    if (skip.includes(ns.type)) continue;
    const type = ns.type as SupportedNamespace;
    if (ns.path) joinNamespace(ns.path, type);
    else flags |= NAMESPACES[type].flag;
  }
  if (flags) unshare(flags);
}

/** Whether the spec asks for a fresh namespace of `type` (listed without a path). */
export function wantsNew(specs: readonly NamespaceSpec[] | undefined, type: NamespaceType): boolean {
  return (specs ?? []).some((ns) => ns.type === type && !ns.path);
}
// #endregion enter
