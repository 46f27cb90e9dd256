// host-info.ts — facts about the machine that `docker info` and `docker version` report.

import { readFileSync } from 'node:fs';
import { arch, cpus, hostname, release, totalmem } from 'node:os';

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

/** v2 when /sys/fs/cgroup itself is the unified hierarchy (man 7 cgroups), else v1. */
function cgroupVersion(): '1' | '2' {
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n');
  return mounts.some((l) => l.split(' ')[4] === '/sys/fs/cgroup' && / - cgroup2 /.test(l)) ? '2' : '1';
}
// #endregion host-info
