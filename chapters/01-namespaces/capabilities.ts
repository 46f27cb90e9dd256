// capabilities.ts — what root inside the container may still do (`man 7 capabilities`).

import { readFileSync } from 'node:fs';
import { capset, prctl, PR } from './libc.js';

// #region capability-names
/** Capability numbers from <linux/capability.h>, in order. */
export const CAPABILITY_NAMES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID',
  'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK',
  'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE',
  'CAP_AUDIT_CONTROL', 'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG',
  'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
] as const;

export type CapabilityName = (typeof CAPABILITY_NAMES)[number];

export function isCapabilityName(name: string): name is CapabilityName {
  return (CAPABILITY_NAMES as readonly string[]).includes(name);
}

/** The highest capability this kernel knows; newer names than it are ignored, as runc does. */
let lastCap: number | undefined;
function lastCapability(): number {
  lastCap ??= Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8').trim());
  return lastCap;
}

function mask(names: readonly string[] = []): bigint {
  let bits = 0n;
  for (const name of names) {
    const bit = CAPABILITY_NAMES.indexOf(name as CapabilityName);
    if (bit >= 0 && bit <= lastCapability()) bits |= 1n << BigInt(bit);
  }
  return bits;
}
// #endregion capability-names

// #region capability-sets
export interface CapabilitySpec {
  bounding?: string[];
  effective?: string[];
  permitted?: string[];
  inheritable?: string[];
  ambient?: string[];
}
// #endregion capability-sets

// #region drop-bounding
/**
 * Lower the bounding set first, while we still hold CAP_SETPCAP: once a
 * capability leaves the bounding set, no execve can ever grant it again,
 * not even a setuid-root binary (`man 2 prctl`, PR_CAPBSET_DROP).
 */
export function dropBoundingSet(caps: CapabilitySpec): void {
  const keep = mask(caps.bounding);
  const last = lastCapability();
  for (let cap = 0; cap <= last; cap++) {
    if (!(keep & (1n << BigInt(cap)))) prctl(PR.CAPBSET_DROP, cap);
  }
}
// #endregion drop-bounding

// #region set-capabilities
/**
 * Set effective, permitted and inheritable with capset(2), then raise the
 * ambient ones. Called after the uid switch (see credentials.ts), which
 * would otherwise clear them. The kernel only lets a capability be ambient
 * if it is both permitted and inheritable; `runc spec` lists ambient
 * capabilities without inheritable ones, and runc merely warns, so we skip
 * those quietly instead of refusing a bundle runc accepts.
 */
export function setCapabilities(caps: CapabilitySpec): void {
  const permitted = mask(caps.permitted);
  const inheritable = mask(caps.inheritable);
  capset({ effective: mask(caps.effective), permitted, inheritable });
  prctl(PR.CAP_AMBIENT, PR.CAP_AMBIENT_CLEAR_ALL);
  const ambient = mask(caps.ambient) & permitted & inheritable;
  for (let cap = 0; cap <= lastCapability(); cap++) {
    if (ambient & (1n << BigInt(cap))) prctl(PR.CAP_AMBIENT, PR.CAP_AMBIENT_RAISE, cap);
  }
}
// #endregion set-capabilities
