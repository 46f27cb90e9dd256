// index.ts — the runtime as a library: what later chapters import.

// #region exports
export { parseContainerId, isContainerId, type ContainerId } from './container-id.js';
export { RuntimeError, NotFoundError, ConflictError, InvalidArgumentError } from './errors.js';
export { loadSpec, validateSpec, type Spec, type ProcessSpec, type MountSpec, type NamespaceSpec } from './spec.js';
export { defaultSpec, DEFAULT_CAPABILITIES, type DefaultSpecOptions } from './default-spec.js';
export { CAPABILITY_NAMES } from './capabilities.js';
export {
  create, start, state, list, kill, pause, resume, deleteContainer, run, exitStatus, prestartInit, oomKilled,
  type CreateOptions, type RunOptions, type DeleteOptions, type StateOptions, type ProcessExit, type Stdio,
} from './container.js';
export { exec, startExec, type ExecProcess, type ExecOptions, type ExecStarted } from './exec.js';
export type { InitProcess } from './init-process.js';
export { DEFAULT_STATE_ROOT, type OciState, type ContainerStatus } from './state.js';
export { writeAtomically, writeStreamAtomically, syncDirectory, flushDirectory, type AtomicWriteOptions } from './atomic-write.js';
export { isRunning, ownerTag, ownerOf, type ProcessIdentity } from './process-identity.js';
export { readMountInfo, parseMountInfo, type MountInfo } from './mountinfo.js';
// The daemon of chapter 03 finds a running container's cgroup files the runtime's way.
export { detectCgroups, type CgroupLayout } from './cgroups.js';
export { parseSignal } from './signals.js';
export { checkProfile, compileSeccomp, disassemble, dockerDefaultProfile, type SeccompProfile, type CompiledFilter } from './seccomp/index.js';
export type { DeviceSpec, IdMapping } from './spec.js';
export { hostId } from './user-namespace.js';
// For chapter 02, which resolves image paths inside a root filesystem, mounts
// layers with overlayfs, makes device nodes, and binds a few calls of its own.
export { resolveInRoot } from './rootfs.js';
export { mount, umount2, MS, mknod, SyscallError } from './libc.js';
// For chapter 03's DNS helper, which opens sockets in a container's network namespace.
export { setns, CLONE } from './libc.js';
export { makePipes, type ContainerPipes } from './stdio.js';
export { consoleStream, setWindowSize, type ConsoleStream } from './terminal.js';
// For chapter 03's networks: bridges, veth pairs, address pools.
export * from './network/index.js';
// #endregion exports
