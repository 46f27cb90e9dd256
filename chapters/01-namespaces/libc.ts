// libc.ts — the system calls Node does not offer, bound from the C library.

import koffi from 'koffi';
import { constants as osConstants } from 'node:os';
import { RuntimeError } from './errors.js';

// #region load
const libc = koffi.load('libc.so.6');

const c = {
  unshare: libc.func('int unshare(int flags)'),
  setns: libc.func('int setns(int fd, int nstype)'),
  mount: libc.func('int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const char *data)'),
  umount2: libc.func('int umount2(const char *target, int flags)'),
  sethostname: libc.func('int sethostname(const char *name, size_t len)'),
  setdomainname: libc.func('int setdomainname(const char *name, size_t len)'),
  mknod: libc.func('int mknod(const char *path, uint32_t mode, uint64_t dev)'),
  chroot: libc.func('int chroot(const char *path)'),
  chdir: libc.func('int chdir(const char *path)'),
  setsid: libc.func('int setsid(void)'),
  setgroups: libc.func('int setgroups(size_t size, const uint32_t *list)'),
  setresgid: libc.func('int setresgid(uint32_t r, uint32_t e, uint32_t s)'),
  setresuid: libc.func('int setresuid(uint32_t r, uint32_t e, uint32_t s)'),
  setrlimit: libc.func('int setrlimit(int resource, const uint64_t *rlim)'),
  execve: libc.func('int execve(const char *path, const char **argv, const char **envp)'),
  syscall: libc.func('long syscall(long number, ...)'),
  prctl: libc.func('int prctl(int option, ...)'),
  fcntl: libc.func('int fcntl(int fd, int cmd, ...)'),
  ioctl: libc.func('int ioctl(int fd, unsigned long request, ...)'),
  socket: libc.func('int socket(int domain, int type, int protocol)'),
  close: libc.func('int close(int fd)'),
  dup2: libc.func('int dup2(int oldfd, int newfd)'),
  pipe2: libc.func('int pipe2(_Out_ int *fds, int flags)'),
  strerror: libc.func('const char *strerror(int errnum)'),
};
// #endregion load

// #region errors
const errnoNames = new Map<number, string>(
  Object.entries(osConstants.errno).map(([name, value]) => [value, name]),
);

/** A failed system call: keeps errno's number and name for callers to test. */
export class SyscallError extends Error {
  constructor(
    readonly call: string,
    readonly errno: number,
    detail: string,
  ) {
    const name = errnoNames.get(errno) ?? `errno ${errno}`;
    super(`${call}(${detail}): ${name} (${c.strerror(errno)})`);
    this.name = 'SyscallError';
  }
  get code(): string {
    return errnoNames.get(this.errno) ?? `errno ${this.errno}`;
  }
}

/** Throws a SyscallError when a call returned -1, the C convention for failure. */
function check(result: number | bigint, call: string, detail = ''): number {
  if (Number(result) === -1) throw new SyscallError(call, koffi.errno(), detail);
  return Number(result);
}
// #endregion errors

// #region namespace-flags
/** Namespace flags for unshare(2), clone(2) and setns(2); see `man 7 namespaces`. */
export const CLONE = {
  NEWNS: 0x00020000,
  NEWCGROUP: 0x02000000,
  NEWUTS: 0x04000000,
  NEWIPC: 0x08000000,
  NEWUSER: 0x10000000,
  NEWPID: 0x20000000,
  NEWNET: 0x40000000,
  FS: 0x00000200,
} as const;
// #endregion namespace-flags

// #region mount-flags
/** Mount flags from <sys/mount.h>; see `man 2 mount`. */
export const MS = {
  RDONLY: 1,
  NOSUID: 2,
  NODEV: 4,
  NOEXEC: 8,
  SYNCHRONOUS: 16,
  REMOUNT: 32,
  MANDLOCK: 64,
  DIRSYNC: 128,
  NOSYMFOLLOW: 256,
  NOATIME: 1024,
  NODIRATIME: 2048,
  BIND: 4096,
  MOVE: 8192,
  REC: 16384,
  SILENT: 32768,
  UNBINDABLE: 1 << 17,
  PRIVATE: 1 << 18,
  SLAVE: 1 << 19,
  SHARED: 1 << 20,
  RELATIME: 1 << 21,
  STRICTATIME: 1 << 24,
  LAZYTIME: 1 << 25,
} as const;

export const MNT_DETACH = 2;
// #endregion mount-flags

// #region namespaces
/** unshare(2): move the calling thread into new namespaces. */
export function unshare(flags: number): void {
  check(c.unshare(flags), 'unshare', `0x${flags.toString(16)}`);
}

/** setns(2): move the calling thread into the namespace that `fd` refers to. */
export function setns(fd: number, nstype: number): void {
  check(c.setns(fd, nstype), 'setns', `${fd}, 0x${nstype.toString(16)}`);
}

/** sethostname(2), in the calling thread's UTS namespace. */
export function sethostname(name: string): void {
  check(c.sethostname(name, Buffer.byteLength(name)), 'sethostname', name);
}

/** setdomainname(2): the NIS domain name, the other name a UTS namespace holds. */
export function setdomainname(name: string): void {
  check(c.setdomainname(name, Buffer.byteLength(name)), 'setdomainname', name);
}
// #endregion namespaces

// #region mounts
/** mount(2). `source`, `fstype` and `data` may be null, as in C. */
export function mount(
  source: string | null,
  target: string,
  fstype: string | null,
  flags: number,
  data: string | null = null,
): void {
  check(c.mount(source, target, fstype, flags, data), 'mount', `${source}, ${target}, ${fstype}, 0x${flags.toString(16)}, ${data}`);
}

/** umount2(2); pass MNT_DETACH for a lazy unmount. */
export function umount2(target: string, flags = 0): void {
  check(c.umount2(target, flags), 'umount2', target);
}
// #endregion mounts

// #region pivot-root
const SYS_pivot_root = 155; // x86_64; glibc has no wrapper for pivot_root(2)

/** pivot_root(2): make `newRoot` the root and put the old root at `putOld`. */
export function pivotRoot(newRoot: string, putOld: string): void {
  check(c.syscall(SYS_pivot_root, 'const char *', newRoot, 'const char *', putOld), 'pivot_root', `${newRoot}, ${putOld}`);
}

export function chroot(path: string): void {
  check(c.chroot(path), 'chroot', path);
}

/**
 * chdir(2) for the calling thread. After unshare(CLONE_FS) the main thread
 * has its own working directory, which process.chdir() would also change,
 * but we keep every step of container set-up in one vocabulary.
 */
export function chdir(path: string): void {
  check(c.chdir(path), 'chdir', path);
}
// #endregion pivot-root

// #region mknod
/** mknod(2): make a device node; `mode` includes the S_IFCHR/S_IFBLK type bits. */
export function mknod(path: string, mode: number, major: number, minor: number): void {
  check(c.mknod(path, mode, makedev(major, minor)), 'mknod', path);
}

/** The kernel's dev_t encoding, as glibc's makedev(3) computes it. */
export function makedev(major: number, minor: number): bigint {
  const ma = BigInt(major);
  const mi = BigInt(minor);
  return ((ma & 0xfffff000n) << 32n) | ((ma & 0xfffn) << 8n) | ((mi & 0xffffff00n) << 12n) | (mi & 0xffn);
}
// #endregion mknod

// #region credentials
export function setsid(): number {
  return check(c.setsid(), 'setsid');
}

export function setgroups(gids: number[]): void {
  check(c.setgroups(gids.length, gids.length ? gids : null), 'setgroups', gids.join(','));
}

export function setresgid(gid: number): void {
  check(c.setresgid(gid, gid, gid), 'setresgid', String(gid));
}

export function setresuid(uid: number): void {
  check(c.setresuid(uid, uid, uid), 'setresuid', String(uid));
}

/** setrlimit(2); limits are 64-bit, and 2^64-1 means unlimited. */
export function setrlimit(resource: number, soft: bigint, hard: bigint): void {
  check(c.setrlimit(resource, [soft, hard]), 'setrlimit', `${resource}, ${soft}, ${hard}`);
}
// #endregion credentials

// #region capset
const SYS_capset = 126;
const LINUX_CAPABILITY_VERSION_3 = 0x20080522;

/** The three capability sets of a thread, as 64-bit masks. */
export interface CapSets {
  effective: bigint;
  permitted: bigint;
  inheritable: bigint;
}

/** capset(2) with the version-3 ABI: two 32-bit words per set. */
export function capset(sets: CapSets): void {
  const header = Buffer.alloc(8);
  header.writeUInt32LE(LINUX_CAPABILITY_VERSION_3, 0);
  header.writeInt32LE(0, 4); // pid 0: the calling thread
  const data = Buffer.alloc(24);
  const words = [sets.effective, sets.permitted, sets.inheritable];
  words.forEach((mask, i) => {
    data.writeUInt32LE(Number(mask & 0xffffffffn), i * 4);
    data.writeUInt32LE(Number((mask >> 32n) & 0xffffffffn), 12 + i * 4);
  });
  check(c.syscall(SYS_capset, 'void *', header, 'void *', data), 'capset', '');
}

// #endregion capset

// #region prctl
/** prctl(2) with up to four unsigned long arguments. */
export function prctl(option: number, arg2 = 0, arg3 = 0, arg4 = 0, arg5 = 0): number {
  return check(
    c.prctl(option, 'unsigned long', arg2, 'unsigned long', arg3, 'unsigned long', arg4, 'unsigned long', arg5),
    'prctl',
    `${option}, ${arg2}`,
  );
}

export const PR = {
  SET_KEEPCAPS: 8,
  CAPBSET_READ: 23,
  CAPBSET_DROP: 24,
  SET_NO_NEW_PRIVS: 38,
  CAP_AMBIENT: 47,
  CAP_AMBIENT_RAISE: 2,
  CAP_AMBIENT_CLEAR_ALL: 4,
} as const;
// #endregion prctl

// #region exec
/**
 * execve(2): replace this process — every thread of Node with it — by
 * `path`. It only returns on failure, so it always throws.
 */
export function execve(path: string, argv: string[], env: string[]): never {
  c.execve(path, [...argv, null], [...env, null]);
  throw new SyscallError('execve', koffi.errno(), path);
}
// #endregion exec

// #region seccomp
const SYS_seccomp = 317; // x86_64
const SECCOMP_SET_MODE_FILTER = 1;
/** struct sock_fprog (<linux/filter.h>): how many instructions, and where they are. */
const SockFprog = koffi.struct('sock_fprog', { len: 'uint16_t', filter: 'void *' });

/**
 * seccomp(2), SECCOMP_SET_MODE_FILTER: from now on every system call of the
 * calling thread (of every thread, with SECCOMP_FILTER_FLAG_TSYNC) is judged
 * first by `program`, a struct sock_filter[]. The kernel allows it only to a
 * thread with no_new_privs set or CAP_SYS_ADMIN. With TSYNC, a thread that
 * cannot take the filter makes the call return that thread's id.
 */
export function seccompSetModeFilter(program: Buffer, flags: number): void {
  const fprog = { len: program.length / 8, filter: program };
  const detail = `SECCOMP_SET_MODE_FILTER, 0x${flags.toString(16)}, ${fprog.len} instructions`;
  const result = check(c.syscall(SYS_seccomp, 'unsigned int', SECCOMP_SET_MODE_FILTER, 'unsigned int', flags, koffi.pointer(SockFprog), fprog), 'seccomp', detail);
  if (result > 0) throw new RuntimeError(`seccomp(${detail}): thread ${result} could not take the filter (SECCOMP_FILTER_FLAG_TSYNC)`);
}
// #endregion seccomp

// #region fds
const F_GETFD = 1;
const F_SETFD = 2;
const FD_CLOEXEC = 1;

/** Clear FD_CLOEXEC so that `fd` survives execve(2); Node sets it on what it opens. */
export function keepOpenOnExec(fd: number): void {
  const flags = check(c.fcntl(fd, F_GETFD), 'fcntl', `${fd}, F_GETFD`);
  check(c.fcntl(fd, F_SETFD, 'int', flags & ~FD_CLOEXEC), 'fcntl', `${fd}, F_SETFD`);
}

/** Set FD_CLOEXEC so that `fd` closes on execve(2). */
export function closeOnExec(fd: number): void {
  const flags = check(c.fcntl(fd, F_GETFD), 'fcntl', `${fd}, F_GETFD`);
  check(c.fcntl(fd, F_SETFD, 'int', flags | FD_CLOEXEC), 'fcntl', `${fd}, F_SETFD`);
}

export function dup2(oldfd: number, newfd: number): void {
  check(c.dup2(oldfd, newfd), 'dup2', `${oldfd}, ${newfd}`);
}

export function close(fd: number): void {
  check(c.close(fd), 'close', String(fd));
}

// #endregion fds

// #region pipe
const O_CLOEXEC = 0o2000000;

/**
 * pipe2(2): a kernel pipe, [read end, write end], both close-on-exec so
 * that no child inherits them by accident; `spawn` gives one end to the
 * child that should have it, as its stdin, stdout or stderr. (Node's own
 * `stdio: 'pipe'` makes a socket pair instead, which is not what programs
 * expect: `echo > /dev/stdout` fails on a socket.)
 */
export function pipe(): [read: number, write: number] {
  const fds = [0, 0];
  check(c.pipe2(fds, O_CLOEXEC), 'pipe2', 'O_CLOEXEC');
  return [fds[0]!, fds[1]!];
}
// #endregion pipe

// #region ioctl
/** ioctl(2) whose argument is a pointer to a buffer (in or out). */
export function ioctlBuffer(fd: number, request: number, buf: Buffer): void {
  check(c.ioctl(fd, request, 'void *', buf), 'ioctl', `${fd}, 0x${request.toString(16)}`);
}

/** ioctl(2) whose argument is a plain integer. */
export function ioctlInt(fd: number, request: number, arg: number): void {
  check(c.ioctl(fd, request, 'int', arg), 'ioctl', `${fd}, 0x${request.toString(16)}`);
}

export function socket(domain: number, type: number, protocol: number): number {
  return check(c.socket(domain, type, protocol), 'socket', `${domain}, ${type}`);
}
// #endregion ioctl

// #region pidfd
const SYS_pidfd_open = 434; // x86_64
const SYS_pidfd_getfd = 438;

/**
 * A copy of another process's descriptor `targetFd`, through a pidfd
 * (`man 2 pidfd_getfd`, Linux 5.6): how the runtime takes the pty master
 * that init opened inside the container. The copy is close-on-exec.
 */
export function pidfdGetfd(pid: number, targetFd: number): number {
  const pidfd = check(c.syscall(SYS_pidfd_open, 'long', pid, 'long', 0), 'pidfd_open', String(pid));
  try {
    return check(c.syscall(SYS_pidfd_getfd, 'long', pidfd, 'long', targetFd, 'long', 0), 'pidfd_getfd', `${pid}, ${targetFd}`);
  } finally {
    c.close(pidfd);
  }
}
// #endregion pidfd
