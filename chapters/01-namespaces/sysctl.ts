// sysctl.ts — kernel settings that belong to the container alone.

import { writeFileSync } from 'node:fs';
import { RuntimeError } from './errors.js';
import type { NamespaceSpec, NamespaceType } from './spec.js';

// #region namespaced
function namespaceOf(key: string): NamespaceType | undefined {
  if (key.startsWith('net.')) return 'network';
  if (/^kernel\.(shm|msg|sem)/.test(key) || key.startsWith('fs.mqueue.')) return 'ipc';
  if (key === 'kernel.hostname' || key === 'kernel.domainname') return 'uts';
  return undefined;
}

/** Refuse, before anything is made, a sysctl that would reach beyond the container. */
export function checkSysctls(sysctl: Record<string, string>, namespaces: readonly NamespaceSpec[]): void {
  for (const key of Object.keys(sysctl)) {
    const namespace = namespaceOf(key);
    if (!namespace) throw new RuntimeError(`linux.sysctl: ${key} is not namespaced: setting it would change the host`);
    if (!namespaces.some((ns) => ns.type === namespace && !ns.path)) {
      throw new RuntimeError(`linux.sysctl: ${key} needs a ${namespace} namespace of the container's own`);
    }
  }
}
// #endregion namespaced

// #region apply
/** Init, after pivot_root and before /proc/sys is made read-only: net.ipv4.ip_forward → /proc/sys/net/ipv4/ip_forward. */
export function applySysctls(sysctl: Record<string, string> = {}): void {
  for (const [key, value] of Object.entries(sysctl)) {
    writeFileSync(`/proc/sys/${key.replace(/\./g, '/')}`, value);
  }
}
// #endregion apply
