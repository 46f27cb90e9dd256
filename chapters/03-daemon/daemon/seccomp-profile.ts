// seccomp-profile.ts — a profile in Docker's JSON format, resolved for one container into config.json's linux.seccomp.

import { release } from 'node:os';
import { checkProfile, InvalidArgumentError, type SeccompProfile } from '../../01-namespaces/index.js';

// #region docker-profile-format
/**
 * Docker's format (moby profiles/seccomp, the one `--security-opt
 * seccomp=FILE` takes) is the OCI one plus conditions: a rule may name one
 * call (`name`), and apply only to containers that hold some capabilities
 * or run on some architecture or kernel (`includes`), or that do not
 * (`excludes`); `archMap` lists each architecture with the ones it also runs.
 */
interface Conditions { caps?: string[]; arches?: string[]; minKernel?: string }
interface DockerRule extends Record<string, unknown> { name?: string; names?: string[]; includes?: Conditions; excludes?: Conditions }
interface DockerProfile extends Record<string, unknown> {
  architectures?: string[];
  archMap?: { architecture: string; subArchitectures?: string[] }[];
  syscalls?: DockerRule[];
}

const NATIVE = 'SCMP_ARCH_X86_64';
/** Conditions name architectures as Go does (runtime.GOARCH), not as seccomp does. */
const GOARCH = 'amd64';
// #endregion docker-profile-format

// #region rule-conditions
/** A rule's conditions against the container's capabilities, this architecture and this kernel. */
function applies(rule: DockerRule, caps: readonly string[]): boolean {
  const { includes = {}, excludes = {} } = rule;
  if (excludes.arches?.includes(GOARCH) || excludes.caps?.some((cap) => caps.includes(cap))) return false;
  if (includes.arches && !includes.arches.includes(GOARCH)) return false;
  if (includes.caps && !includes.caps.every((cap) => caps.includes(cap))) return false;
  return !includes.minKernel || kernelAtLeast(includes.minKernel);
}

function kernelAtLeast(wanted: string): boolean {
  const [major = 0, minor = 0] = release().split('.').map((n) => parseInt(n, 10));
  const [wMajor = 0, wMinor = 0] = wanted.split('.').map((n) => parseInt(n, 10));
  return major > wMajor || (major === wMajor && minor >= wMinor);
}
// #endregion rule-conditions

// #region resolve-profile
/**
 * The JSON the docker CLI read from the user's file, resolved as dockerd
 * resolves it, then checked by the runtime's own schema. Architectures
 * other than x86_64 are left out, as in the built-in profile: the runtime
 * compiles for x86_64 only, and a call from another ABI is killed.
 */
export function resolveDockerProfile(json: string, caps: readonly string[]): SeccompProfile {
  let profile: DockerProfile;
  try {
    profile = JSON.parse(json) as DockerProfile;
  } catch (err) {
    throw new InvalidArgumentError(`Decoding seccomp profile failed: ${(err as Error).message}`);
  }
  const { archMap, architectures, syscalls, ...rest } = profile;
  const arches = archMap ? archMap.flatMap((a) => [a.architecture, ...(a.subArchitectures ?? [])]) : (architectures ?? []);
  const rules = (syscalls ?? []).filter((rule) => applies(rule, caps)).map(({ name, names, includes: _i, excludes: _e, comment: _c, ...r }) => {
    if (name && names?.length) throw new InvalidArgumentError("'name' and 'names' were specified in the seccomp profile, use 'names'");
    return { ...r, names: name ? [name] : (names ?? []) };
  });
  const resolved = { ...rest, ...(arches.length && { architectures: arches.filter((a) => a === NATIVE) }), syscalls: rules };
  try {
    return checkProfile(resolved, 'seccomp profile');
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}
// #endregion resolve-profile
