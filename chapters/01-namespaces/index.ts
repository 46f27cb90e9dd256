// index.ts — the runtime as a library: what later chapters import.
//
// The executable (main.ts) is a thin layer over these functions; the
// daemon of chapter 03 calls them directly, hands containers their stdio as
// descriptors, and execs into them.

// #region exports
export { parseContainerId, isContainerId, type ContainerId } from './container-id.js';
export { RuntimeError, NotFoundError, ConflictError, InvalidArgumentError } from './errors.js';
export { loadSpec, validateSpec, type Spec, type ProcessSpec, type MountSpec, type NamespaceSpec } from './spec.js';
export { defaultSpec, DEFAULT_CAPABILITIES, type DefaultSpecOptions } from './default-spec.js';
export {
  create, start, state, list, kill, pause, resume, deleteContainer, run, exitStatus,
  type CreateOptions, type RunOptions, type DeleteOptions, type StateOptions, type ProcessExit, type Stdio,
} from './container.js';
export { exec, type ExecProcess, type ExecOptions } from './exec.js';
export { DEFAULT_STATE_ROOT, type OciState, type ContainerStatus } from './state.js';
export { writeAtomically, writeStreamAtomically, syncDirectory, type AtomicWriteOptions } from './atomic-write.js';
export { isRunning, ownerTag, ownerOf, type ProcessIdentity } from './process-identity.js';
export { readMountInfo, parseMountInfo, type MountInfo } from './mountinfo.js';
export { parseSignal } from './signals.js';
export { setWindowSize } from './terminal.js';
// For chapter 02, which resolves image paths inside a root filesystem, mounts
// layers with overlayfs, makes device nodes, and binds a few calls of its own.
export { resolveInRoot } from './rootfs.js';
export { mount, umount2, MS, mknod, SyscallError } from './libc.js';
// #endregion exports
