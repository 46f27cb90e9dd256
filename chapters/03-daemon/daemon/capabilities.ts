// capabilities.ts — which capabilities a container's root holds: Docker's 14, --cap-add, --cap-drop, --privileged.

import { readFileSync } from 'node:fs';
import { CAPABILITY_NAMES, DEFAULT_CAPABILITIES, InvalidArgumentError } from '../../01-namespaces/index.js';

// #region known-capabilities
/** The names this kernel knows: <linux/capability.h> up to /proc/sys/kernel/cap_last_cap. */
function knownCapabilities(): string[] {
  const last = Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8').trim());
  return CAPABILITY_NAMES.slice(0, last + 1);
}

/**
 * What "all capabilities" can mean for this daemon: the kernel's, less any
 * its own bounding set lacks (CapBnd in proc(5)). dockerd asks for every
 * name the kernel knows, and on a host that withholds one, runc fails to
 * start a privileged container; skiffd hands out only what it holds.
 */
export function allCapabilities(): string[] {
  const bounding = BigInt(`0x${/^CapBnd:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))![1]}`);
  return knownCapabilities().filter((_, bit) => (bounding >> BigInt(bit)) & 1n);
}
// #endregion known-capabilities

// #region tweak-capabilities
/** `sys_admin`, `CAP_SYS_ADMIN` and `all`, as moby's NormalizeCapabilities spells them; unknown names refused in its words. */
function normalize(names: readonly string[], field: 'CapAdd' | 'CapDrop'): string[] {
  const known = knownCapabilities();
  return names.map((name) => {
    const upper = name.toUpperCase();
    if (upper === 'ALL') return upper;
    const cap = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
    if (!known.includes(cap)) throw new InvalidArgumentError(`invalid ${field}: unknown capability: ${JSON.stringify(cap)}`);
    return cap;
  });
}

/**
 * moby's TweakCapabilities: privileged gets everything; `--cap-add ALL`
 * everything but what is dropped; `--cap-drop ALL` only what is added;
 * otherwise the default 14, less the drops, plus the adds.
 */
export function capabilitySet(privileged: boolean, adds: readonly string[] = [], drops: readonly string[] = []): string[] {
  if (privileged) return allCapabilities();
  const add = normalize(adds, 'CapAdd');
  const drop = normalize(drops, 'CapDrop');
  if (add.includes('ALL')) return allCapabilities().filter((cap) => !drop.includes(cap));
  if (drop.includes('ALL')) return [...new Set(add)];
  return [...new Set([...DEFAULT_CAPABILITIES.filter((cap) => !drop.includes(cap)), ...add])];
}
// #endregion tweak-capabilities
