// host-info.ts — facts about the machine that `docker info` and `docker version` report.

import { readFileSync } from 'node:fs';
import { arch, cpus, hostname, release, totalmem } from 'node:os';
import { detectCgroups } from '../../01-namespaces/index.js';

// #region host-info
export interface HostInfo {
  kernelVersion: string;
  operatingSystem: string;
  architecture: string;
  /** Go's GOARCH spelling, which `/version` uses. */
  goArch: string;
  ncpu: number;
  memTotal: number;
  name: string;
  cgroupVersion: '1' | '2';
}

export function hostInfo(): HostInfo {
  return {
    kernelVersion: release(),
    operatingSystem: osRelease() ?? 'Linux',
    architecture: ({ x64: 'x86_64', arm64: 'aarch64' } as Record<string, string>)[arch()] ?? arch(),
    goArch: ({ x64: 'amd64', ia32: '386' } as Record<string, string>)[arch()] ?? arch(),
    ncpu: cpus().length,
    memTotal: totalmem(),
    name: hostname(),
    cgroupVersion: cgroupVersion(),
  };
}

/** PRETTY_NAME from os-release(5). */
function osRelease(): string | undefined {
  try {
    return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

/** The hierarchy containers are put in, as the runtime finds it (man 7 cgroups): v2 only where no v1 controller is mounted. */
function cgroupVersion(): '1' | '2' {
  return detectCgroups()?.version === 'v2' ? '2' : '1';
}
// #endregion host-info
