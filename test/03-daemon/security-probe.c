/* security-probe.c — a static probe run inside containers by security.test.ts: one system call by name,
 * printed as "NAME: ok" or "NAME: ERRNO", the exit status the errno (0 when it worked). Each call is made
 * in a form that changes nothing on the host even where it is allowed. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <linux/bpf.h>
#include <linux/keyctl.h>
#include <linux/reboot.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long traceAnother(void) {
  pid_t child = fork();
  if (child == 0) { if (setresuid(65534, 65534, 65534) != 0) _exit(1); pause(); _exit(0); }
  usleep(100000);
  long r = ptrace(PTRACE_ATTACH, child, 0, 0);
  int saved = errno;
  kill(child, SIGKILL);
  waitpid(child, 0, 0);
  errno = saved;
  return r;
}

static long call(const char *name) {
  if (!strcmp(name, "unshare")) return unshare(CLONE_NEWNS);
  if (!strcmp(name, "mount")) return mount("none", "/tmp", "tmpfs", 0, 0);
  if (!strcmp(name, "keyctl")) return syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
  /* CAD_OFF: in a PID namespace the kernel answers EINVAL once past the permission check, and reboots nothing. */
  if (!strcmp(name, "reboot")) return syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_CAD_OFF, 0);
  /* More segments than KEXEC_SEGMENT_MAX: EINVAL once past the permission check, nothing loaded or unloaded. */
  if (!strcmp(name, "kexec_load")) return syscall(SYS_kexec_load, 0, 0xffff, 0, 0);
  if (!strcmp(name, "bpf")) {
    union bpf_attr attr = { .map_type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 4, .max_entries = 1 };
    return syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof attr);
  }
  if (!strcmp(name, "ptrace")) return traceAnother();
  /* A nanosecond field out of range: EINVAL from the kernel, the clock untouched. */
  if (!strcmp(name, "clock_settime")) { struct timespec t = { .tv_sec = 0, .tv_nsec = 2000000000L }; return syscall(SYS_clock_settime, CLOCK_REALTIME, &t); }
  errno = ENOSYS;
  fprintf(stderr, "probe: no call %s\n", name);
  return -1;
}

/*
 * CVE-2019-5736's shape: for SECONDS, watch /proc for processes other than
 * ours (a runtime passing through to exec something) and try to open the
 * binary each runs, through /proc/PID/exe, for writing. Prints each binary
 * seen once, with what opening it for reading and for writing answered.
 */
static int watchExe(int seconds) {
  char seen[64][256]; int nseen = 0, wrote = 0;
  time_t end = time(0) + seconds;
  pid_t self = getpid();
  while (time(0) < end) {
    DIR *proc = opendir("/proc");
    struct dirent *e;
    while ((e = readdir(proc))) {
      pid_t pid = atoi(e->d_name);
      if (pid <= 1 || pid == self) continue;
      char path[64], target[256] = "?";
      snprintf(path, sizeof path, "/proc/%d/exe", pid);
      ssize_t n = readlink(path, target, sizeof target - 1);
      if (n > 0) target[n] = 0;
      else snprintf(target, sizeof target, "(readlink %s)", strerrorname_np(errno));
      if (!strcmp(target, "/bin/busybox") || !strcmp(target, "/bin/probe")) continue;
      int w = open(path, O_WRONLY); int werr = errno;
      if (w >= 0) { wrote++; close(w); }
      int r = open(path, O_RDONLY); int rerr = errno;
      if (r >= 0) close(r);
      char line[256];
      snprintf(line, sizeof line, "%s read:%s write:%s", target, r >= 0 ? "ok" : strerrorname_np(rerr), w >= 0 ? "ok" : strerrorname_np(werr));
      int known = 0;
      for (int i = 0; i < nseen; i++) if (!strcmp(seen[i], line)) known = 1;
      if (!known && nseen < 64) { strcpy(seen[nseen++], line); printf("%s\n", line); fflush(stdout); }
    }
    closedir(proc);
  }
  printf("opened for writing: %d\n", wrote);
  return wrote ? 1 : 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && !strcmp(argv[1], "watch-exe")) return watchExe(atoi(argv[2]));
  for (int i = 1; i < argc; i++) {
    errno = 0;
    long r = call(argv[i]);
    if (r < 0) { printf("%s: %s\n", argv[i], strerrorname_np(errno)); fflush(stdout); if (argc == 2) return errno; }
    else printf("%s: ok\n", argv[i]);
  }
  return 0;
}
