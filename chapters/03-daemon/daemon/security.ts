// security.ts — what a container may do, decided at create from HostConfig, written into config.json.

import { dockerDefaultProfile, InvalidArgumentError, type DeviceSpec, type SeccompProfile, type Spec } from '../../01-namespaces/index.js';
import type { HostConfig } from '../api/index.js';
import { capabilitySet } from './capabilities.js';
import { deviceCgroupRules, hostDevices, mappedDevices, type DeviceMapping } from './devices.js';
import { resolveDockerProfile } from './seccomp-profile.js';

// #region security-options
/**
 * What `docker info` lists under Security Options: Docker's default seccomp
 * profile, applied unless a container asks otherwise (Docker before 23 named
 * it `default`, since then `builtin`), private cgroup namespaces, and with
 * --userns-remap, user namespaces.
 */
export const securityOptions = (remapped: boolean): string[] =>
  ['name=seccomp,profile=builtin', ...(remapped ? ['name=userns'] : []), 'name=cgroupns'];
// #endregion security-options

// #region security-opt
export interface SecurityOptions { noNewPrivileges: boolean; seccomp: 'builtin' | 'unconfined' | { json: string } }

/**
 * `--security-opt`, read as moby's parseSecurityOpt reads it: `KEY=VALUE`
 * (or the old `KEY:VALUE`), `no-new-privileges` alone. AppArmor and SELinux
 * are not on this daemon, so asking to be *without* them is honest and
 * accepted; asking for a profile or label of theirs is refused.
 */
const GO_BOOL: Record<string, boolean> = Object.fromEntries([
  ...['1', 't', 'T', 'TRUE', 'true', 'True'].map((b) => [b, true]), ...['0', 'f', 'F', 'FALSE', 'false', 'False'].map((b) => [b, false]),
]); // Go's strconv.ParseBool

export function parseSecurityOpt(opts: readonly string[] = []): SecurityOptions {
  const parsed: SecurityOptions = { noNewPrivileges: false, seccomp: 'builtin' };
  for (const opt of opts) {
    if (opt === 'no-new-privileges') { parsed.noNewPrivileges = true; continue; }
    const sep = opt.includes('=') ? '=' : opt.includes(':') ? ':' : undefined;
    if (!sep) throw new InvalidArgumentError(`invalid --security-opt 1: ${JSON.stringify(opt)}`);
    const key = opt.slice(0, opt.indexOf(sep));
    const value = opt.slice(opt.indexOf(sep) + 1);
    if (key === 'seccomp') parsed.seccomp = value === 'unconfined' || value === 'builtin' ? value : { json: value };
    else if (key === 'no-new-privileges' && value in GO_BOOL) parsed.noNewPrivileges = GO_BOOL[value]!;
    else if ((key === 'apparmor' && value === 'unconfined') || (key === 'label' && value === 'disable')) continue;
    else if (key === 'apparmor' || key === 'label') throw new InvalidArgumentError(`--security-opt ${key}=… is not supported by this daemon: it has no ${key === 'label' ? 'SELinux' : 'AppArmor'}`);
    else throw new InvalidArgumentError(`invalid --security-opt 2: ${JSON.stringify(opt)}`);
  }
  return parsed;
}
// #endregion security-opt

// #region security-plan
/** Everything about a container's confinement, decided and checked at create. */
export interface Security {
  privileged: boolean;
  capabilities: string[];
  noNewPrivileges: boolean;
  seccomp: SeccompProfile | undefined;
  devices: DeviceSpec[];
  deviceRules: ReturnType<typeof deviceCgroupRules>;
  maskedPaths: string[] | undefined;
  readonlyPaths: string[] | undefined;
}

/**
 * Docker's defaults unless asked otherwise: 14 capabilities, its seccomp
 * profile resolved for them, masked and read-only /proc paths, no host
 * devices. --privileged lifts all of it (moby ignores a seccomp profile for
 * a privileged container too); no_new_privs stays whatever was asked.
 */
export function securityOf(hc: HostConfig): Security {
  const privileged = !!hc.Privileged;
  const opts = parseSecurityOpt(hc.SecurityOpt ?? []);
  const capabilities = capabilitySet(privileged, hc.CapAdd ?? [], hc.CapDrop ?? []);
  const seccomp = privileged || opts.seccomp === 'unconfined' ? undefined
    : opts.seccomp === 'builtin' ? dockerDefaultProfile(capabilities) : resolveDockerProfile(opts.seccomp.json, capabilities);
  const devices = [...(privileged ? hostDevices() : []), ...mappedDevices((hc.Devices ?? []) as DeviceMapping[])];
  // null means Docker's lists; [] (`--security-opt systempaths=unconfined`) means none.
  const paths = (list: string[] | null | undefined) => (privileged ? [] : (list ?? undefined));
  const deviceRules = deviceCgroupRules(hc.DeviceCgroupRules ?? []);
  return { privileged, capabilities, noNewPrivileges: opts.noNewPrivileges, seccomp, devices, deviceRules, maskedPaths: paths(hc.MaskedPaths), readonlyPaths: paths(hc.ReadonlyPaths) };
}
// #endregion security-plan

// #region apply-security
/**
 * What runc allows every container beyond the default nodes, and so every
 * Docker container: making any node (mknod, "m") — opening one is another
 * matter, refused unless allowed — and /dev/net/tun (10:200).
 */
const RUNC_ALLOWED = [
  { allow: true, type: 'c' as const, access: 'm' }, { allow: true, type: 'b' as const, access: 'm' },
  { allow: true, type: 'c' as const, major: 10, minor: 200, access: 'rwm' },
];

/** Writes the plan into the spec chapter 02 made from `defaultSpec`. */
export function applySecurity(spec: Spec, security: Security): void {
  const caps = security.capabilities;
  spec.process.capabilities = { bounding: caps, effective: caps, permitted: caps };
  spec.process.noNewPrivileges = security.noNewPrivileges;
  const linux = (spec.linux ??= {});
  if (security.seccomp) linux.seccomp = security.seccomp;
  else delete linux.seccomp;
  if (security.maskedPaths) linux.maskedPaths = security.maskedPaths;
  if (security.readonlyPaths) linux.readonlyPaths = security.readonlyPaths;
  const byPath = new Map([...(linux.devices ?? []), ...security.devices].map((d) => [d.path, d]));
  if (byPath.size) linux.devices = [...byPath.values()];
  // Docker mounts /proc nosuid, noexec, nodev, and so every /proc path masked or made read-only under it.
  for (const m of spec.mounts ?? []) if (m.destination === '/proc') m.options = ['nosuid', 'noexec', 'nodev'];
  const resources = (linux.resources ??= {});
  if (!security.privileged) {
    resources.devices = [...(resources.devices ?? []), ...RUNC_ALLOWED, ...security.deviceRules];
    return;
  }
  // All devices, and /sys and the cgroup tree writable (moby's WithMounts clears their "ro").
  resources.devices = [{ allow: true, access: 'rwm' }];
  for (const m of spec.mounts ?? []) {
    if (m.destination === '/sys' || m.type === 'cgroup') m.options = (m.options ?? []).filter((o) => o !== 'ro');
  }
}
// #endregion apply-security
