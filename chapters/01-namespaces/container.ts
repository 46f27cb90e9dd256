// container.ts — the OCI lifecycle: create, start, state, kill, delete, and run.

import { chmodSync, closeSync, constants, existsSync, openSync, readSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cgroupRelativePath, createCgroup, destroyCgroup, detectCgroups, cgroupMountSources, joinFiles, oomKillCount, setFrozen, type ContainerCgroup } from './cgroups.js';
import { parseContainerId, type ContainerId } from './container-id.js';
import { ConflictError, InvalidArgumentError, RuntimeError } from './errors.js';
import { spawnInit, type InitProcess, type PidNamespace, type Stdio } from './init-process.js';
import { mknod, MS, pidfdGetfd } from './libc.js';
import { parseMountOptions } from './mount-options.js';
import { forwardSignals, parseSignal, signalNumber } from './signals.js';
import { checkSysctls } from './sysctl.js';
import { readConfigJson } from './bundle.js';
import { writeAtomically } from './atomic-write.js';
import { isRunning, processStartTime } from './process-identity.js';
import type { MountSpec, NamespaceSpec, ResourcesSpec, Spec } from './spec.js';
import {
  claimContainerDir, containerDir, DEFAULT_STATE_ROOT, fifoPath, hasState, listIds, observeStatus,
  readState, removeContainerDir, writeState, type OciState, type StoredState,
} from './state.js';
import { copyWindowSize, relayTerminal, setWindowSize } from './terminal.js';
import { trace } from './trace.js';
import { runHooks, runHooksWarning } from './hooks.js';
import type { InitMessage } from './sync-pipe.js';
import { bindRootInHost, checkHostMounts, sharesHostMounts, unmountRootInHost, type HostRootMount } from './host-mounts.js';
import { checkUserNamespace, userNamespaceOf, writeIdMaps, type UserNamespace } from './user-namespace.js';

// #region create-options
export type { Stdio } from './init-process.js';

export interface CreateOptions {
  id: string;
  bundle: string;
  stateRoot?: string;
  /** The container's stdin, stdout, stderr: our own, or descriptors to hand over. */
  stdio?: Stdio;
  pidFile?: string;
  /** With process.terminal: receives the pty master; without it, terminal bundles are refused. */
  onConsole?: (master: number) => void;
  /** The terminal's size, [rows, columns], set before the program starts; default: our own terminal's, if any. */
  windowSize?: [rows: number, columns: number];
  /**
   * Called once the container's PID 1 has exited, with how it ended. We are
   * its parent, so we are the one who reaps it (`man 2 waitpid`, which Node
   * does for its children); that lasts only while this process lives.
   */
  onExit?: (exit: ProcessExit) => void;
  /**
   * An init started ahead of time with `prestartInit`, used instead of
   * spawning one when the config asks for a new PID namespace (otherwise it
   * is killed). Its stdio is the one it was started with; `stdio` is then ignored.
   */
  init?: InitProcess;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A shell's convention: the exit code, or 128 + the number of the signal that killed it. */
export function exitStatus({ code, signal }: ProcessExit): number {
  return code ?? 128 + signalNumber(signal ?? 'SIGKILL');
}
// #endregion create-options

// #region checks
/** Everything that can be refused is refused before anything is made. */
function checkBundle(bundle: string, spec: Spec, wantsConsole: boolean): string {
  const namespaces = spec.linux?.namespaces ?? [];
  const rootfs = resolve(bundle, spec.root.path);
  if (!existsSync(rootfs) || !statSync(rootfs).isDirectory()) {
    throw new InvalidArgumentError(`config.json: root.path: ${rootfs} is not a directory`);
  }
  // Mounting /proc, /dev and the cgroups "into" the host's own root would
  // change the host, and pivot_root or chroot into it would go nowhere.
  if (realpathSync(rootfs) === '/') {
    throw new InvalidArgumentError(`config.json: root.path: ${JSON.stringify(spec.root.path)} is the host's / (a container needs a root filesystem of its own)`);
  }
  for (const entry of spec.mounts ?? []) checkBindSource(bundle, entry);
  checkHostMounts(spec);
  checkUserNamespace(spec, rootfs);
  if (spec.linux?.sysctl) checkSysctls(spec.linux.sysctl, namespaces);
  for (const field of ['hostname', 'domainname'] as const) if (spec[field]) checkUtsNamespace(field, namespaces);
  if (spec.process.terminal && !wantsConsole) {
    throw new InvalidArgumentError('process.terminal is true but nobody would hold the terminal: use run, or set it to false');
  }
  return rootfs;
}
// #endregion checks

// #region uts-names
/**
 * sethostname(2) and setdomainname(2) change the UTS namespace of the
 * caller: a new one, or one joined by path (which is then renamed, as the
 * spec says). Without either, or when the path names the namespace we run
 * in, it would rename the host.
 */
function checkUtsNamespace(field: 'hostname' | 'domainname', namespaces: readonly NamespaceSpec[]): void {
  const uts = namespaces.find((ns) => ns.type === 'uts');
  if (!uts) {
    throw new InvalidArgumentError(`config.json: ${field}: cannot be set without a UTS namespace of the container's own (add {"type": "uts"} to linux.namespaces)`);
  }
  if (uts.path && sameFile(uts.path, '/proc/self/ns/uts')) {
    throw new InvalidArgumentError(`config.json: ${field}: linux.namespaces joins the host's own UTS namespace, whose name it would change`);
  }
}

function sameFile(a: string, b: string): boolean {
  const [x, y] = [statSync(a, { throwIfNoEntry: false }), statSync(b)];
  return x !== undefined && x.dev === y.dev && x.ino === y.ino;
}
// #endregion uts-names

// #region bind-source
/** A bind mount's source must exist on the host; say which mount wants it, not just which file is missing. */
function checkBindSource(bundle: string, entry: MountSpec): void {
  if (!(parseMountOptions(entry.options).flags & MS.BIND)) return;
  const source = resolve(bundle, entry.source ?? '');
  if (!existsSync(source)) throw new InvalidArgumentError(`mount ${entry.destination}: source ${source} does not exist`);
}
// #endregion bind-source

// #region resources
/** linux.resources, with the devices of linux.devices allowed: a node listed there should also work. */
function resourcesOf(spec: Spec): ResourcesSpec {
  const resources = spec.linux?.resources ?? {};
  const listed = (spec.linux?.devices ?? [])
    .filter((d) => d.type === 'c' || d.type === 'b' || d.type === 'u')
    .map((d) => ({ allow: true, type: d.type === 'b' ? ('b' as const) : ('c' as const), major: d.major, minor: d.minor, access: 'rwm' }));
  return { ...resources, devices: [...(resources.devices ?? []), ...listed] };
}
// #endregion resources

// #region pid-namespace
/**
 * The PID namespace init needs, read from the unchecked JSON when the
 * answer is plain (a new one, or none); undefined when it names a path to
 * join, or when there is a user namespace, which must wait until the
 * config is checked.
 */
function peekPidNamespace(json: unknown): PidNamespace | undefined {
  const namespaces = (json as { linux?: { namespaces?: unknown } } | null)?.linux?.namespaces;
  if (!Array.isArray(namespaces)) return undefined;
  const typed = (type: string) => namespaces.find((ns) => (ns as { type?: unknown } | null)?.type === type) as { path?: unknown } | undefined;
  if (typed('user')) return undefined;
  const pid = typed('pid');
  if (!pid) return { kind: 'host' };
  return pid.path === undefined ? { kind: 'new' } : undefined;
}

function pidNamespaceOf(spec: Spec): PidNamespace {
  const ns = spec.linux?.namespaces?.find((n) => n.type === 'pid');
  if (!ns) return { kind: 'host' };
  return ns.path ? { kind: 'join', path: ns.path } : { kind: 'new' };
}
// #endregion pid-namespace

// #region prestart
/**
 * An init started before its container is known: Node boots, loads init's
 * modules, and waits on fd 3 for a configuration. Handed to `create` as
 * `init`, it takes Node's start-up off the container's start. It is born in
 * a new PID namespace, which is what nearly every config asks for.
 */
export function prestartInit(stdio?: Stdio): InitProcess {
  return spawnInit({ kind: 'new' }, stdio);
}

/** A prestarted init fits a config that wants a new PID namespace and no user namespace; one that does not fit is killed. */
function adoptInit(prestarted: InitProcess | undefined, wanted: PidNamespace | undefined, user?: UserNamespace): InitProcess | undefined {
  if (!prestarted || !wanted) return undefined;
  if (wanted.kind === 'new' && !user) return prestarted;
  prestarted.child.kill('SIGKILL');
  return undefined;
}
// #endregion prestart

// #region create
interface Created {
  state: OciState;
  init: InitProcess;
  /** The pty master, when the process has a terminal. */
  console?: number;
}

async function createContainer(options: CreateOptions, wantsConsole: boolean): Promise<Created> {
  const id = parseContainerId(options.id);
  const root = options.stateRoot ?? DEFAULT_STATE_ROOT;
  const bundle = resolve(options.bundle);
  const json = readConfigJson(bundle);
  if (existsSync(containerDir(root, id))) throw new ConflictError(`container ${JSON.stringify(id)} already exists`);

  // Start init first: a new Node process takes longer to boot than we take
  // to load the schema library and check the config, and the two overlap.
  // Init waits on fd 3 for its orders; if the config is refused, we kill it.
  // An init started ahead of time is better still: no boot to wait for.
  const early = peekPidNamespace(json);
  let init = adoptInit(options.init, early) ?? (early ? spawnInit(early, options.stdio) : undefined);
  trace('runtime', 'init spawned');
  let claimed = false;
  let poststop: (() => void) | undefined;
  let cgroup: ContainerCgroup | null = null;
  let hostRoot: HostRootMount | undefined;
  let console: number | undefined;
  try {
    // Loaded on first use: the schema library is one of the runtime's larger
    // imports, and start, state, kill and delete never need it.
    const { validateSpec } = await import('./spec.js');
    const { seccompFilterOf } = await import('./seccomp/index.js');
    const spec = validateSpec(json);
    trace('runtime', 'config checked');
    const rootfs = checkBundle(bundle, spec, wantsConsole);
    const seccomp = seccompFilterOf(spec.linux?.seccomp);
    const user = userNamespaceOf(spec);
    init ??= adoptInit(options.init, pidNamespaceOf(spec), user) ?? spawnInit(pidNamespaceOf(spec), options.stdio, user);
    // #endregion create

    // #region create-commit
    claimContainerDir(root, id);
    claimed = true;
    if (sharesHostMounts(spec)) hostRoot = bindRootInHost(rootfs);
    const layout = detectCgroups();
    if (layout) cgroup = createCgroup(layout, cgroupRelativePath(spec.linux?.cgroupsPath, id), resourcesOf(spec));
    makeFifo(fifoPath(root, id));
    const hookState: OciState = {
      ociVersion: spec.ociVersion, id, status: 'creating', pid: init.pid, bundle, rootfs, created: '', annotations: spec.annotations ?? {},
    };
    poststop = () => runHooksWarning(spec, 'poststop', { ...hookState, status: 'stopped', pid: 0 });
    init.sync.send({
      kind: 'container', spec, bundle, rootfs, fifo: fifoPath(root, id),
      cgroupJoin: cgroup ? joinFiles(cgroup) : [],
      cgroupMounts: layout && cgroup ? cgroupMountSources(layout, cgroup) : [],
      seccomp, state: hookState, userNamespace: Boolean(user),
    });
    trace('runtime', 'cgroup made, config sent');
    // The size asked for by the caller, else the config's process.consoleSize.
    const size = spec.process.consoleSize;
    const handshake = user && { spec, cgroupJoin: cgroup ? joinFiles(cgroup) : [] };
    console = await waitUntilReady(init, options.windowSize ?? (size && [size.height, size.width]), () => {
      const state = { ...hookState, pid: init!.pid };
      runHooks(spec, 'prestart', state);
      runHooks(spec, 'createRuntime', state);
    }, handshake);
    trace('runtime', 'init ready');

    const stored: StoredState = {
      ociVersion: spec.ociVersion, id, pid: init.pid, bundle, rootfs, created: new Date().toISOString(),
      annotations: spec.annotations ?? {}, startTime: processStartTime(init.pid) ?? '', cgroup, spec, hostRoot,
    };
    writeState(root, stored);
    // Not durable, like the state: a pid names a process, which a crash ends.
    if (options.pidFile) writeAtomically(resolve(options.pidFile), `${init.pid}`, { durable: false });
    trace('runtime', 'state written: created');
    if (options.onExit) void init.exited.then(options.onExit);
    return { state: observeStatus(root, stored), init, console };
    // #endregion create-commit
    // #region create-undo
  } catch (err) {
    if (init) {
      // With a user namespace, init may be the child of the tool that started it (user-namespace.ts).
      if (init.pid !== init.child.pid) process.kill(init.pid, 'SIGKILL');
      init.child.kill('SIGKILL');
      await init.exited;
    }
    if (cgroup) await destroyCgroup(cgroup);
    if (hostRoot) unmountRootInHost(hostRoot);
    if (console !== undefined) closeSync(console);
    if (claimed) removeContainerDir(root, id);
    // A create that fails once the container exists ends as a delete does,
    // with the poststop hooks (runtime.md, "Lifecycle", steps 12 and 13).
    poststop?.();
    throw err;
  }
}
// #endregion create-undo

// #region wait-ready
/** mkfifo(3) is mknod(2) with S_IFIFO. Writable by anyone: init may have become another user by then. */
function makeFifo(path: string): void {
  mknod(path, 0o010000 | 0o622, 0, 0);
  chmodSync(path, 0o622);
}

/**
 * Wait for init's answer. With a terminal, init says which of its
 * descriptors is the pty master; we copy it with pidfd_getfd, give it a
 * window size (the one asked for, or our own terminal's), and tell init we
 * have it. Returns our copy of the master, if any.
 */
export async function waitUntilReady(init: InitProcess, windowSize?: [number, number], runtimeHooks?: () => void, user?: UserHandshake): Promise<number | undefined> {
  let message = await init.sync.next();
  while (message?.type === 'hooks' || message?.type === 'userns' || message?.type === 'join-cgroup') {
    answerInit(init, message, runtimeHooks, user);
    message = await init.sync.next();
  }
  if (message?.type === 'ready') {
    const console = message.console !== undefined ? pidfdGetfd(init.pid, message.console) : undefined;
    if (console !== undefined) {
      // before the program can ask for it
      if (windowSize) setWindowSize(console, ...windowSize);
      else copyWindowSize(console);
      init.sync.send({ type: 'console-taken' });
    }
    init.sync.close();
    return console;
  }
  if (message?.type === 'error') {
    await init.exited;
    throw new RuntimeError(message.message, message.exitCode);
  }
  const { code, signal } = await init.exited;
  throw new RuntimeError(`init exited before it was ready (${signal ?? `exit code ${code}`})`);
}
// #endregion wait-ready

// #region answer-init
/** A user namespace's side of the talk: the maps to write (a new namespace only), and where init's pid goes. */
export interface UserHandshake {
  spec?: Spec;
  cgroupJoin: string[];
}

/**
 * Init's requests before it is ready, each answered once done. "userns":
 * init is in its user namespace and tells its pid on the host, which is
 * init's from now on (the tool that started it may have forked); we write
 * the maps. "join-cgroup": we put that pid in the cgroup. "hooks": the
 * runtime's hooks run.
 */
function answerInit(init: InitProcess, message: InitMessage, runtimeHooks?: () => void, user?: UserHandshake): void {
  if (message.type === 'userns') {
    init.pid = message.pid;
    if (user?.spec) writeIdMaps(init.pid, user.spec);
  } else if (message.type === 'join-cgroup') {
    for (const file of user?.cgroupJoin ?? []) writeFileSync(file, String(init.pid));
  } else {
    runtimeHooks?.();
  }
  init.sync.send({ type: 'done' });
}
// #endregion answer-init

// #region create-entry
export async function create(options: CreateOptions): Promise<OciState> {
  const { state, init, console } = await createContainer(options, options.onConsole !== undefined);
  if (console !== undefined) options.onConsole!(console);
  // Let this process exit while the container runs, unless it asked to be
  // told of the exit: then the exit is what it waits for.
  if (!options.onExit) init.child.unref();
  return state;
}
// #endregion create-entry

// #region start
export interface StateOptions {
  stateRoot?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Open the FIFO for reading: init, blocked opening it for writing, wakes,
 * writes one byte and execs. We open without blocking and poll, so that an
 * init that died meanwhile is noticed instead of waited for forever.
 */
export async function start(idText: string, { stateRoot = DEFAULT_STATE_ROOT }: StateOptions = {}): Promise<void> {
  const id = parseContainerId(idText);
  const stored = readState(stateRoot, id);
  const { status } = observeStatus(stateRoot, stored);
  if (status !== 'created') throw new ConflictError(`container ${JSON.stringify(id)} is ${status}, not created`);
  const fifo = fifoPath(stateRoot, id);
  const answer = await readStartAnswer(fifo, () => isRunning(stored), id);
  rmSync(fifo, { force: true });
  if (answer !== '0') throw new RuntimeError(answer.slice(1));
  runHooksWarning(stored.spec, 'poststart', { ...observeStatus(stateRoot, stored), status: 'running' });
}
// #endregion start

// #region start-answer
/**
 * Init's answer on the FIFO: "0", or "E" and why the startContainer hooks
 * failed, up to end of file. Read without blocking and polled, so that an
 * init that died meanwhile is noticed instead of waited for forever (before
 * init opens its end, a read returns 0 too).
 */
async function readStartAnswer(fifo: string, alive: () => boolean, id: string): Promise<string> {
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const chunk = Buffer.alloc(4096);
  let answer = '';
  try {
    for (;;) {
      let n = -1;
      try {
        n = readSync(reader, chunk, 0, chunk.length, null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      }
      if (n > 0) answer += chunk.toString('utf8', 0, n);
      if (answer === '0' || (answer && n === 0)) return answer;
      if (!answer && !alive()) throw new RuntimeError(`container ${JSON.stringify(id)} stopped before it could start`);
      await sleep(1);
    }
  } finally {
    closeSync(reader);
  }
}
// #endregion start-answer

// #region state
export function state(idText: string, { stateRoot = DEFAULT_STATE_ROOT }: StateOptions = {}): OciState {
  const id = parseContainerId(idText);
  return observeStatus(stateRoot, readState(stateRoot, id));
}

export function list({ stateRoot = DEFAULT_STATE_ROOT }: StateOptions = {}): OciState[] {
  return listIds(stateRoot).map((id) => observeStatus(stateRoot, readState(stateRoot, id)));
}
// #endregion state

// #region kill
export function kill(idText: string, signal: string | number = 'SIGTERM', { stateRoot = DEFAULT_STATE_ROOT }: StateOptions = {}): void {
  const id = parseContainerId(idText);
  const name = parseSignal(signal);
  const current = state(id, { stateRoot });
  if (current.status === 'stopped') throw new ConflictError(`container ${JSON.stringify(id)} is not running`);
  process.kill(current.pid, name);
}
// #endregion kill

// #region oom
/**
 * Whether the kernel's OOM killer has killed any process of the container:
 * its PID 1 or any child, which the exit status alone cannot tell apart
 * from a plain `kill -9`. Read it before `delete`, which removes the cgroup
 * and its counters with it.
 */
export function oomKilled(idText: string, { stateRoot = DEFAULT_STATE_ROOT }: StateOptions = {}): boolean {
  const { cgroup } = readState(stateRoot, parseContainerId(idText));
  return cgroup !== null && oomKillCount(cgroup) > 0;
}
// #endregion oom

// #region pause
export async function pause(idText: string, { stateRoot = DEFAULT_STATE_ROOT }: StateOptions = {}): Promise<void> {
  const id = parseContainerId(idText);
  const stored = readState(stateRoot, id);
  const { status } = observeStatus(stateRoot, stored);
  if (status !== 'running') throw new ConflictError(`container ${JSON.stringify(id)} is ${status}, not running`);
  if (!stored.cgroup) throw new RuntimeError(`container ${JSON.stringify(id)} has no cgroup to freeze`);
  await setFrozen(stored.cgroup, true);
}

export async function resume(idText: string, { stateRoot = DEFAULT_STATE_ROOT }: StateOptions = {}): Promise<void> {
  const id = parseContainerId(idText);
  const stored = readState(stateRoot, id);
  const { status } = observeStatus(stateRoot, stored);
  if (status !== 'paused') throw new ConflictError(`container ${JSON.stringify(id)} is ${status}, not paused`);
  await setFrozen(stored.cgroup!, false);
}
// #endregion pause

// #region delete
export interface DeleteOptions extends StateOptions {
  /** Kill the container first if it is still running. */
  force?: boolean;
}

export async function deleteContainer(idText: string, { force = false, stateRoot = DEFAULT_STATE_ROOT }: DeleteOptions = {}): Promise<void> {
  const id = parseContainerId(idText);
  // As with runc, --force also means "make sure it is gone": a container that
  // does not exist already is, and that is success, so cleanup scripts can repeat it.
  if (force && !existsSync(containerDir(stateRoot, id))) return;
  if (force && !hasState(stateRoot, id)) {
    // A `create` killed before it wrote its state, or a state file a crash
    // emptied: nothing we can stop, only the directory to remove.
    removeContainerDir(stateRoot, id);
    return;
  }
  const stored = readState(stateRoot, id);
  const { status } = observeStatus(stateRoot, stored);
  if ((status === 'running' || status === 'paused') && !force) {
    throw new ConflictError(`cannot delete container ${JSON.stringify(id)}: it is ${status} (kill it first, or use --force)`);
  }
  if (status !== 'stopped') {
    process.kill(stored.pid, 'SIGKILL');
    // A frozen process cannot act on its SIGKILL until it is thawed (v1).
    if (status === 'paused') await setFrozen(stored.cgroup!, false);
    for (let i = 0; i < 1000 && isRunning(stored); i++) await sleep(5);
  }
  // PID 1's death took the rest of its PID namespace with it, and its mount
  // namespace with all the container's mounts; the cgroup stays until
  // removed, and so do mounts made in the host's namespace (host-mounts.ts).
  if (stored.cgroup) await destroyCgroup(stored.cgroup);
  if (stored.hostRoot) unmountRootInHost(stored.hostRoot);
  removeContainerDir(stateRoot, id);
  runHooksWarning(stored.spec, 'poststop', { ...observeStatus(stateRoot, stored), status: 'stopped', pid: 0 });
}
// #endregion delete

// #region run
export interface RunOptions {
  id: string;
  bundle: string;
  stateRoot?: string;
  stdio?: Stdio;
}

/** Create, start, wait, delete: returns the program's exit status. */
export async function run(options: RunOptions): Promise<number> {
  const stateRoot = options.stateRoot ?? DEFAULT_STATE_ROOT;
  const { init, console } = await createContainer(options, true);
  const stopForwarding = forwardSignals(init.pid);
  const relay = console !== undefined ? relayTerminal(console) : undefined;
  try {
    await start(options.id, { stateRoot });
    const exit = await init.exited;
    trace('runtime', 'program exited');
    if (relay) await Promise.race([relay.drained, sleep(1000)]);
    return exitStatus(exit);
  } finally {
    stopForwarding();
    relay?.stop();
    if (console !== undefined) closeSync(console);
    await deleteContainer(options.id, { force: true, stateRoot });
    trace('runtime', 'deleted');
  }
}
// #endregion run
