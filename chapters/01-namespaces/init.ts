// init.ts — the process that turns into the container.

import { closeSync, constants, openSync, readdirSync, readlinkSync, writeSync } from 'node:fs';
import { dropBoundingSet, setCapabilities } from './capabilities.js';
import { setNoNewPrivileges, setOomScoreAdj, setRlimits, switchUser, withHome } from './credentials.js';
import { bindConsole, setupDev } from './devices.js';
import { RuntimeError } from './errors.js';
import { chdir, CLONE, closeOnExec, execve, keepOpenOnExec, seccompSetModeFilter, setdomainname, setgroups, sethostname, setns, setresgid, setresuid, unshare } from './libc.js';
import { lookPath } from './lookpath.js';
import { makeReadonly, maskPaths } from './masked-paths.js';
import { runHooks } from './hooks.js';
import { chrootInto, chrootLike, parentMountNamespace, sharesHostMounts } from './host-mounts.js';
import { enterNamespaces, NAMESPACES, wantsNew, type SupportedNamespace } from './namespaces.js';
import { bringUpLoopback } from './network.js';
import { makeMountPoint, mountOne, pivotInto, prepareRoot, remountRootReadonly, resolveInRoot } from './rootfs.js';
import type { ProcessSpec } from './spec.js';
import { applySysctls } from './sysctl.js';
import type { SeccompFilter } from './seccomp/index.js';
import { receiveSync, sendSync, type ContainerInitConfig, type ExecInitConfig, type InitConfig, type InitMessage } from './sync-pipe.js';
import { attachConsole } from './terminal.js';
import { trace, traceBoot } from './trace.js';

// #region boot
// Every container pays for this file's imports at start-up: keep them few.
traceBoot('init');
// #endregion boot

// #region container-init
const O_PATH = 0o10000000; // open(2): a handle on the file itself, without opening it for I/O

function initContainer(config: ContainerInitConfig): never {
  const { spec, rootfs } = config;
  const namespaces = (spec.linux?.namespaces ?? []).filter((ns) => !(config.userNamespace && ns.path)); // those the tool joined, see user-namespace.ts
  const hostMounts = sharesHostMounts(spec); // then the runtime has bound the rootfs already (host-mounts.ts)
  enterNamespaces(hostMounts ? [...namespaces, ...parentMountNamespace()] : namespaces);

  // Build the new root while the host's paths are still reachable.
  if (!hostMounts) prepareRoot(rootfs, spec.linux?.rootfsPropagation);
  const context = { rootfs, bundle: config.bundle, cgroups: config.cgroupMounts, privateMounts: hostMounts };
  for (const entry of spec.mounts ?? []) mountOne(entry, context);
  const devIsBound = (spec.mounts ?? []).some((m) => m.destination === '/dev' && m.options?.some((o) => o === 'bind' || o === 'rbind'));
  setupDev(rootfs, spec.linux?.devices, devIsBound);
  makeMountPoint(resolveInRoot(rootfs, spec.process.cwd), true);
  const fifo = openSync(config.fifo, O_PATH);
  const joinCgroup = cgroupJoiner(config.cgroupJoin, config.userNamespace);
  const cgroupNamespace = namespaces.find((ns) => ns.type === 'cgroup');
  const cgroupNamespaceToJoin = cgroupNamespace?.path ? openSync(cgroupNamespace.path, 'r') : undefined;
  runCreateHooks(config);
  // #endregion container-init

  // #region container-init-pivot
  (hostMounts ? chrootInto : pivotInto)(rootfs, spec.linux?.rootfsPropagation);
  const terminal = spec.process.terminal ? attachConsole('/dev/pts/ptmx', spec.process.user.uid) : undefined;
  if (terminal) bindConsole(terminal.slavePath);
  applySysctls(spec.linux?.sysctl);
  makeReadonly(spec.linux?.readonlyPaths);
  maskPaths(spec.linux?.maskedPaths);
  if (spec.root.readonly) remountRootReadonly();
  // Refused at create unless the container has a UTS namespace, new or joined.
  if (spec.hostname) sethostname(spec.hostname);
  if (spec.domainname) setdomainname(spec.domainname);
  if (wantsNew(namespaces, 'network')) bringUpLoopback();

  trace('init', 'namespaces, mounts, pivot_root, /proc masked');
  const program = prepareProcess(spec.process, joinCgroup, config.seccomp, () => {
    if (cgroupNamespaceToJoin !== undefined) setns(cgroupNamespaceToJoin, CLONE.NEWCGROUP);
    else if (cgroupNamespace) unshare(CLONE.NEWCGROUP);
  });
  reportReady(terminal?.master);
  waitForStart(fifo, () => runHooks(spec, 'startContainer', { ...config.state, status: 'created' }));
  return execProgram(program);
}
// #endregion container-init-pivot

// #region create-hooks
/**
 * The hooks of `create`, at the moment runtime.md names: the container's
 * namespaces and mounts are made, pivot_root is not. prestart and
 * createRuntime run in the runtime's namespaces, so the parent runs them
 * while we wait; createContainer runs in the container's, so we run it
 * ourselves, our children being born in our namespaces. Its path is still
 * looked up in the host's files, which the spec asks for.
 */
function runCreateHooks({ spec, state }: ContainerInitConfig): void {
  if (spec.hooks?.prestart?.length || spec.hooks?.createRuntime?.length) ask({ type: 'hooks' });
  runHooks(spec, 'createContainer', state);
}
// #endregion create-hooks

// #region report-ready
/**
 * Tell the parent we are ready. With a terminal, also tell it which of our
 * descriptors is the pty master, and wait until it has taken its copy
 * (pidfd_getfd): ours closes at execve.
 */
function reportReady(consoleMaster: number | undefined): void {
  trace('init', 'cgroup joined, credentials set: ready');
  sendSync({ type: 'ready', console: consoleMaster });
  if (consoleMaster !== undefined) receiveSync();
  started = true;
}
// #endregion report-ready

// #region wait-for-start
/**
 * Block until `start`: opening a FIFO for writing waits for a reader
 * (`man 7 fifo`). We opened it with O_PATH before pivot_root, and reopen it
 * through /proc/self/fd, which reaches the file even though its path is no
 * longer visible from our new root. Then the startContainer hooks run, and
 * `start` reads "0", or the reason they failed, after which we end: the
 * spec has the container stopped.
 */
function waitForStart(fifo: number, startHooks: () => void): void {
  const writer = openSync(`/proc/self/fd/${fifo}`, constants.O_WRONLY);
  try {
    startHooks();
  } catch (err) {
    writeSync(writer, `E${(err as Error).message}`);
    process.exit(1);
  }
  writeSync(writer, '0');
  closeSync(writer);
  closeSync(fifo);
}
// #endregion wait-for-start

// #region exec-init
/**
 * `exec` into a running container. setns(2) into a mount namespace is
 * refused to a process whose threads share a filesystem context, and every
 * Node process has threads: unshare(CLONE_FS) gives the main thread its own
 * root and working directory first. The namespace files are all opened
 * before the first setns, while /proc/<pid> is still the host's.
 */
function initExec(config: ExecInitConfig): never {
  const joinCgroup = cgroupJoiner(config.cgroupJoin, config.userNamespace);
  const open = (type: SupportedNamespace) =>
    config.namespaces.includes(type) ? openSync(`/proc/${config.pid}/ns/${NAMESPACES[type].file}`, 'r') : undefined;
  const joined = { ipc: open('ipc'), uts: open('uts'), network: open('network'), mount: open('mount'), cgroup: open('cgroup') };
  // No mount namespace: the container's is the host's, entered as its init's root (host-mounts.ts).
  const hostMounts = !config.namespaces.includes('mount');
  if (hostMounts) joined.mount = openSync(`/proc/${config.pid}/ns/mnt`, 'r');
  unshare(CLONE.FS);
  for (const type of ['ipc', 'uts', 'network', 'mount'] as const) {
    const fd = joined[type];
    if (fd !== undefined) setns(fd, NAMESPACES[type].flag);
  }
  if (hostMounts) chrootLike(config.pid);
  chdir(config.process.cwd);
  const terminal = config.process.terminal ? attachConsole('/dev/pts/ptmx', config.process.user.uid) : undefined;
  const program = prepareProcess(config.process, joinCgroup, config.seccomp, () => {
    if (joined.cgroup !== undefined) setns(joined.cgroup, CLONE.NEWCGROUP);
  });
  for (const fd of Object.values(joined)) if (fd !== undefined) closeSync(fd);
  reportReady(terminal?.master);
  return execProgram(program);
}
// #endregion exec-init

// #region join-cgroup
/**
 * How init joins its cgroup: by writing "0" ("me") into the files, opened
 * now, while the host's paths are reachable. In a user namespace the
 * host's cgroup files belong to a user our root does not map to, so the
 * parent writes our pid for us.
 */
function cgroupJoiner(files: string[], byParent = false): () => void {
  if (byParent) return () => ask({ type: 'join-cgroup' });
  const fds = files.map((file) => openSync(file, constants.O_WRONLY));
  return () => {
    for (const fd of fds) {
      writeSync(fd, '0');
      closeSync(fd);
    }
  };
}

/** Send the parent a request, and block until it answers. */
function ask(message: InitMessage): void {
  sendSync(message);
  receiveSync();
}
// #endregion join-cgroup

// #region become-root
/**
 * Our half of the user namespace handshake (user-namespace.ts). The tool
 * that started us made the namespace; until the parent writes its maps we
 * are "nobody" in it, though with every capability. /proc is still the
 * host's, so /proc/self names our pid there, which is what the parent
 * needs: the tool's pid is not ours once it forked. With the maps written,
 * setresuid(0) makes us the namespace's root; changing to root drops no
 * capability (`man 7 capabilities`, "Effect of user ID changes").
 */
function becomeRoot(): number {
  const pid = Number(readlinkSync('/proc/self'));
  ask({ type: 'userns', pid });
  setgroups([]);
  setresgid(0);
  setresuid(0);
  return pid;
}
// #endregion become-root

// #region prepare-process
/** What execve(2) gets in the end, and the seccomp filter still to load right before it. */
interface Program {
  path: string;
  args: string[];
  env: string[];
  cwd: string;
  seccomp?: { program: Buffer; flags: number };
}

/**
 * The steps shared by both kinds of init, in the order the kernel needs
 * them: find the program while we may still look anywhere; join the cgroup
 * (writing "0" means "me", see joinFiles) this late so that Node's own
 * memory stays charged to the host, and only then the cgroup namespace,
 * whose root is the cgroup we are in; resource limits while we
 * may still raise them; the bounding set while we hold CAP_SETPCAP; the
 * user; the final capability sets; no_new_privs. The seccomp filter waits
 * for execve, unless no_new_privs is off: then loading it takes
 * CAP_SYS_ADMIN, so it goes in before the user and capabilities change.
 */
function prepareProcess(proc: ProcessSpec, joinCgroup: () => void, filter: SeccompFilter | undefined, enterCgroupNamespace: () => void): Program {
  const env = withHome(proc.env ?? [], proc.user.uid);
  const seccomp = filter && { program: Buffer.from(filter.program, 'base64'), flags: filter.flags };
  const program = { path: lookPath(proc.args[0]!, env), args: proc.args, env, cwd: proc.cwd, seccomp };
  joinCgroup();
  enterCgroupNamespace();
  setRlimits(proc.rlimits);
  if (proc.oomScoreAdj !== undefined) setOomScoreAdj(proc.oomScoreAdj);
  if (proc.capabilities) dropBoundingSet(proc.capabilities);
  if (seccomp && !proc.noNewPrivileges) seccompSetModeFilter(seccomp.program, seccomp.flags);
  switchUser(proc.user);
  setCapabilities(proc.capabilities ?? {});
  if (proc.noNewPrivileges) setNoNewPrivileges();
  if (proc.user.umask !== undefined) process.umask(proc.user.umask);
  return { ...program, seccomp: proc.noNewPrivileges ? seccomp : undefined };
}
// #endregion prepare-process

// #region exec-program
/**
 * Node opened descriptors of its own (an event loop, a signal pipe...) and
 * marked the ones it inherited, 0 to 2 included, close-on-exec. Give the
 * program its stdio and nothing else, load the seccomp filter, the last
 * thing before execve (its rules then bind every call made after it),
 * and become the program.
 */
function execProgram(program: Program): never {
  chdir(program.cwd);
  for (const name of readdirSync('/proc/self/fd')) {
    const fd = Number(name);
    try {
      if (fd > 2) closeOnExec(fd);
    } catch {
      // the directory handle readdir used, closed by now
    }
  }
  for (const fd of [0, 1, 2]) keepOpenOnExec(fd);
  trace('init', 'started: execve');
  if (program.seccomp) seccompSetModeFilter(program.seccomp.program, program.seccomp.flags);
  return execve(program.path, program.args, program.env);
}
// #endregion exec-program

// #region main
/** Before `ready`, failures go back to the parent; after it, to the program's stderr. */
let started = false;

function fail(err: unknown): never {
  const exitCode = err instanceof RuntimeError ? err.exitCode : 1;
  const message = err instanceof Error ? err.message : String(err);
  try {
    if (started) throw new Error('the parent no longer listens');
    sendSync({ type: 'error', message, exitCode });
  } catch {
    writeSync(2, `skiff-runtime init: ${message}\n`);
  }
  process.exit(exitCode);
}

try {
  const config = receiveSync<InitConfig>();
  trace('init', 'config received');
  if (config.userNamespace) {
    const pid = becomeRoot();
    if (config.kind === 'container') config.state.pid = pid;
  }
  if (config.kind === 'container') initContainer(config);
  else initExec(config);
} catch (err) {
  fail(err);
}
// #endregion main
