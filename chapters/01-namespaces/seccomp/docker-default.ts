// docker-default.ts — Docker's default seccomp profile, as data.
//
// Moby keeps the profile as profiles/seccomp/default.json, whose rules carry
// conditions: a capability the container must hold (or must not), an
// architecture, a minimum kernel. dockerd resolves them for each container
// and hands runc the result in config.json. This file was written from that
// result, captured from Docker 20.10 (Debian 12's docker.io 20.10.24): a
// private dockerd whose runtime saved the config.json it was given, for a
// container with the default capabilities and for one with each capability
// added and each dropped in turn. Resolved here for x86_64, grouped by the
// capability that brings a rule; a test holds it to a live dockerd.

import type { SeccompProfile } from './profile.js';

// #region docker-allowed
/**
 * The system calls every container may make. Docker's list names calls of
 * i386 and x32 as well (chown32, _llseek, socketcall...); they are not in
 * the x86_64 table, and the compiler skips them, as runc does.
 */
const ALLOWED = `
accept accept4 access adjtimex alarm bind brk capget capset chdir chmod chown chown32 clock_adjtime clock_adjtime64
clock_getres clock_getres_time64 clock_gettime clock_gettime64 clock_nanosleep clock_nanosleep_time64 close
close_range connect copy_file_range creat dup dup2 dup3 epoll_create epoll_create1 epoll_ctl epoll_ctl_old epoll_pwait
epoll_pwait2 epoll_wait epoll_wait_old eventfd eventfd2 execve execveat exit exit_group faccessat faccessat2 fadvise64
fadvise64_64 fallocate fanotify_mark fchdir fchmod fchmodat fchown fchown32 fchownat fcntl fcntl64 fdatasync fgetxattr
flistxattr flock fork fremovexattr fsetxattr fstat fstat64 fstatat64 fstatfs fstatfs64 fsync ftruncate ftruncate64
futex futex_time64 futex_waitv futimesat getcpu getcwd getdents getdents64 getegid getegid32 geteuid geteuid32 getgid
getgid32 getgroups getgroups32 getitimer getpeername getpgid getpgrp getpid getppid getpriority getrandom getresgid
getresgid32 getresuid getresuid32 getrlimit get_robust_list getrusage getsid getsockname getsockopt get_thread_area
gettid gettimeofday getuid getuid32 getxattr inotify_add_watch inotify_init inotify_init1 inotify_rm_watch io_cancel
ioctl io_destroy io_getevents io_pgetevents io_pgetevents_time64 ioprio_get ioprio_set io_setup io_submit
io_uring_enter io_uring_register io_uring_setup ipc kill landlock_add_rule landlock_create_ruleset
landlock_restrict_self lchown lchown32 lgetxattr link linkat listen listxattr llistxattr _llseek lremovexattr lseek
lsetxattr lstat lstat64 madvise membarrier memfd_create memfd_secret mincore mkdir mkdirat mknod mknodat mlock mlock2
mlockall mmap mmap2 mprotect mq_getsetattr mq_notify mq_open mq_timedreceive mq_timedreceive_time64 mq_timedsend
mq_timedsend_time64 mq_unlink mremap msgctl msgget msgrcv msgsnd msync munlock munlockall munmap nanosleep newfstatat
_newselect open openat openat2 pause pidfd_open pidfd_send_signal pipe pipe2 poll ppoll ppoll_time64 prctl pread64
preadv preadv2 prlimit64 process_mrelease pselect6 pselect6_time64 pwrite64 pwritev pwritev2 read readahead readlink
readlinkat readv recv recvfrom recvmmsg recvmmsg_time64 recvmsg remap_file_pages removexattr rename renameat renameat2
restart_syscall rmdir rseq rt_sigaction rt_sigpending rt_sigprocmask rt_sigqueueinfo rt_sigreturn rt_sigsuspend
rt_sigtimedwait rt_sigtimedwait_time64 rt_tgsigqueueinfo sched_getaffinity sched_getattr sched_getparam
sched_get_priority_max sched_get_priority_min sched_getscheduler sched_rr_get_interval sched_rr_get_interval_time64
sched_setaffinity sched_setattr sched_setparam sched_setscheduler sched_yield seccomp select semctl semget semop
semtimedop semtimedop_time64 send sendfile sendfile64 sendmmsg sendmsg sendto setfsgid setfsgid32 setfsuid setfsuid32
setgid setgid32 setgroups setgroups32 setitimer setpgid setpriority setregid setregid32 setresgid setresgid32
setresuid setresuid32 setreuid setreuid32 setrlimit set_robust_list setsid setsockopt set_thread_area set_tid_address
setuid setuid32 setxattr shmat shmctl shmdt shmget shutdown sigaltstack signalfd signalfd4 sigprocmask sigreturn
socket socketcall socketpair splice stat stat64 statfs statfs64 statx symlink symlinkat sync sync_file_range syncfs
sysinfo tee tgkill time timer_create timer_delete timer_getoverrun timer_gettime timer_gettime64 timer_settime
timer_settime64 timerfd_create timerfd_gettime timerfd_gettime64 timerfd_settime timerfd_settime64 times tkill
truncate truncate64 ugetrlimit umask uname unlink unlinkat utime utimensat utimensat_time64 utimes vfork vmsplice
wait4 waitid waitpid write writev
`;
// #endregion docker-allowed

// #region docker-conditional
type Rule = NonNullable<SeccompProfile['syscalls']>[number];
const allow = (names: string[], args?: Rule['args']): Rule => ({ names, action: 'SCMP_ACT_ALLOW', ...(args && { args }) });
const personality = (value: number) => allow(['personality'], [{ index: 0, value, op: 'SCMP_CMP_EQ' }]);

/** Allowed on x86_64 whatever the capabilities: personalities Linux programs use (PER_LINUX, PER_LINUX32, UNAME26 and the query 0xffffffff). */
const ALWAYS: Rule[] = [
  allow(['ptrace']), // since Linux 4.8 a filter sees the tracer's changes, so ptrace cannot walk around it
  personality(0x0), personality(0x8), personality(0x20000), personality(0x20008), personality(0xffffffff),
  allow(['arch_prctl']), allow(['modify_ldt']),
];

/** Without CAP_SYS_ADMIN: clone, but no new namespaces (the CLONE_NEW* bits, 0x7e020000); clone3, whose flags a filter cannot read, answers ENOSYS so that the C library falls back to clone. */
const WITHOUT_SYS_ADMIN: Rule[] = [
  allow(['clone'], [{ index: 0, value: 0x7e020000, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }]),
  { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 },
];

/** What each capability adds to the list. */
const BY_CAPABILITY: Record<string, string[]> = {
  CAP_DAC_READ_SEARCH: ['open_by_handle_at'],
  CAP_SYS_ADMIN: [
    'bpf', 'clone', 'clone3', 'fanotify_init', 'fsconfig', 'fsmount', 'fsopen', 'fspick', 'lookup_dcookie', 'mount',
    'mount_setattr', 'move_mount', 'name_to_handle_at', 'open_tree', 'perf_event_open', 'quotactl', 'quotactl_fd',
    'setdomainname', 'sethostname', 'setns', 'syslog', 'umount', 'umount2', 'unshare',
  ],
  CAP_SYS_BOOT: ['reboot'],
  CAP_SYS_CHROOT: ['chroot'],
  CAP_SYS_MODULE: ['delete_module', 'init_module', 'finit_module'],
  CAP_SYS_PACCT: ['acct'],
  CAP_SYS_PTRACE: ['kcmp', 'pidfd_getfd', 'process_madvise', 'process_vm_readv', 'process_vm_writev'],
  CAP_SYS_RAWIO: ['iopl', 'ioperm'],
  CAP_SYS_TIME: ['settimeofday', 'stime', 'clock_settime'],
  CAP_SYS_TTY_CONFIG: ['vhangup'],
  CAP_SYS_NICE: ['get_mempolicy', 'mbind', 'set_mempolicy'],
  CAP_SYSLOG: ['syslog'],
};
// #endregion docker-conditional

// #region docker-profile
/**
 * Docker's default profile for a container holding `capabilities` (its
 * bounding set, as dockerd decides it): deny by default with EPERM, allow
 * the list, the rules of x86_64, and what the capabilities bring. Docker
 * also lists SCMP_ARCH_X86 and SCMP_ARCH_X32, so that 32-bit programs run
 * under the same rules; skiff-runtime compiles x86_64 only, so here such
 * calls are killed instead.
 */
export function dockerDefaultProfile(capabilities: readonly string[]): SeccompProfile {
  const held = new Set(capabilities);
  const granted = Object.entries(BY_CAPABILITY).filter(([cap]) => held.has(cap));
  return {
    defaultAction: 'SCMP_ACT_ERRNO',
    architectures: ['SCMP_ARCH_X86_64'],
    syscalls: [
      allow(ALLOWED.trim().split(/\s+/)),
      ...ALWAYS,
      ...(held.has('CAP_SYS_ADMIN') ? [] : WITHOUT_SYS_ADMIN),
      ...granted.map(([, names]) => allow(names)),
    ],
  };
}
// #endregion docker-profile
