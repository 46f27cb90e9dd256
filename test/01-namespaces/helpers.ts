// Driving a runc-like runtime from the tests, the way a user types it:
//   <runtime> --root <state dir> create|start|state|kill|delete|run|exec|list ...
// Every test file opens a Lab: a temporary directory holding the runtime's
// state root and the bundles, all removed (with any container left over) by
// `lab.close()`. The runtime under test is ours unless SKIFF_RUNTIME names
// another one; `SKIFF_RUNTIME=runc` validates the suite itself against the
// reference implementation.
import assert from 'node:assert/strict';
import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runtimeCommand } from '../helpers/executables.ts';
import { makeBusyboxRootfs, makeTempDir, removeTempDir } from '../helpers/rootfs.ts';
import { hostMountsUnder } from './host.ts';

/** How long any single runtime command may take before the test calls it hung. */
const HANG_GUARD_MS = 60_000;

export type ContainerId = string & { readonly __brand: 'ContainerId' };

/** A container id unique to this test run: "skiff-<tag>-<8 hex>". */
export function newContainerId(tag: string): ContainerId {
  return `skiff-${tag}-${randomBytes(4).toString('hex')}` as ContainerId;
}

/** True when the suite is pointed at runc itself (to validate the tests). */
export const underRunc = basename(runtimeCommand()[0]) === 'runc';

/** The parts of an OCI runtime config (config.json) the tests change. */
export interface Spec {
  ociVersion: string;
  process: {
    terminal?: boolean;
    args: string[];
    env?: string[];
    cwd: string;
    capabilities?: Record<'bounding' | 'effective' | 'permitted' | 'inheritable' | 'ambient', string[] | undefined>;
    rlimits?: { type: string; hard: number; soft: number }[];
    noNewPrivileges?: boolean;
    oomScoreAdj?: number;
    user: { uid: number; gid: number; additionalGids?: number[] };
  };
  root: { path: string; readonly?: boolean };
  hostname?: string;
  mounts?: { destination: string; type?: string; source?: string; options?: string[] }[];
  linux: {
    namespaces: { type: string; path?: string }[];
    resources?: {
      memory?: { limit?: number; swap?: number };
      pids?: { limit: number };
      cpu?: { shares?: number; quota?: number; period?: number };
      devices?: unknown[];
    };
    maskedPaths?: string[];
    readonlyPaths?: string[];
    cgroupsPath?: string;
    sysctl?: Record<string, string>;
  };
  [key: string]: unknown;
}

export interface Bundle {
  dir: string;
  rootfs: string;
  config: string;
  spec: Spec;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The default spec of the reference runtime, `runc spec`, as a user would start from. */
export function runcSpec(dir: string): Spec {
  execFileSync('runc', ['spec', '--bundle', dir]);
  return JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Spec;
}

export function writeSpec(bundle: Bundle): void {
  writeFileSync(bundle.config, JSON.stringify(bundle.spec, null, 2));
}

export class Lab {
  readonly dir: string;
  readonly stateRoot: string;
  private readonly containers = new Set<string>();
  private bundleCount = 0;

  constructor(tag: string) {
    this.dir = makeTempDir(`skiff-${tag}-`);
    this.stateRoot = join(this.dir, 'state');
    mkdirSync(this.stateRoot);
  }

  /** A fresh container id, force-deleted by `close()` whatever the test did with it. */
  newId(tag: string): ContainerId {
    const id = newContainerId(tag);
    this.containers.add(id);
    return id;
  }

  /**
   * A bundle written by `runc spec` with a busybox rootfs, where only the
   * program and `terminal` are changed, then whatever `configure` changes.
   */
  bundle(args: string[], configure: (spec: Spec) => void = () => {}): Bundle {
    const dir = join(this.dir, `bundle-${++this.bundleCount}`);
    mkdirSync(dir);
    const spec = runcSpec(dir);
    spec.process.args = args;
    spec.process.terminal = false;
    configure(spec);
    const bundle: Bundle = { dir, rootfs: makeBusyboxRootfs(join(dir, 'rootfs')), config: join(dir, 'config.json'), spec };
    writeSpec(bundle);
    return bundle;
  }

  /** Runs the runtime to completion with piped stdio. */
  runtime(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): RunResult {
    const [cmd, ...prefix] = runtimeCommand();
    const r = spawnSync(cmd, [...prefix, '--root', this.stateRoot, ...args], {
      input: options.input ?? '',
      encoding: 'utf8',
      env: options.env ?? process.env,
      timeout: HANG_GUARD_MS,
      killSignal: 'SIGKILL',
    });
    if (r.error) throw r.error;
    return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
  }

  /**
   * Runs a runtime command whose container outlives it (create, run -d):
   * the container inherits the runtime's stdio, so they go to files, not to
   * pipes a test would wait on forever. The container's output lands in
   * `<lab>/<name>.out|.err` too; read it with `lab.output(name)`.
   */
  runtimeDetached(args: string[], name: string): RunResult {
    const outPath = join(this.dir, `${name}.out`);
    const errPath = join(this.dir, `${name}.err`);
    const out = openSync(outPath, 'a');
    const err = openSync(errPath, 'a');
    try {
      const [cmd, ...prefix] = runtimeCommand();
      const r = spawnSync(cmd, [...prefix, '--root', this.stateRoot, ...args], {
        stdio: ['ignore', out, err],
        timeout: HANG_GUARD_MS,
        killSignal: 'SIGKILL',
      });
      if (r.error) throw r.error;
      return { code: r.status, signal: r.signal, stdout: readFileSync(outPath, 'utf8'), stderr: readFileSync(errPath, 'utf8') };
    } finally {
      closeSync(out);
      closeSync(err);
    }
  }

  output(name: string): { stdout: string; stderr: string } {
    const read = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8') : '');
    return { stdout: read(join(this.dir, `${name}.out`)), stderr: read(join(this.dir, `${name}.err`)) };
  }

  /**
   * Starts the runtime in the background (a foreground `run` the test
   * watches and signals); with `stdin: true` the test can write to it.
   */
  spawn(args: string[], options: { stdin?: boolean } = {}): Running {
    const [cmd, ...prefix] = runtimeCommand();
    const stdin = options.stdin ? 'pipe' : 'ignore';
    return new Running(spawn(cmd, [...prefix, '--root', this.stateRoot, ...args], { stdio: [stdin, 'pipe', 'pipe'] }));
  }

  /** create + start a detached container; returns its pid on the host. */
  startDetached(id: ContainerId, bundle: Bundle): number {
    const pidFile = join(this.dir, `${id}.pid`);
    const created = this.runtimeDetached(['create', id, '--bundle', bundle.dir, '--pid-file', pidFile], id);
    if (created.code !== 0) throw new Error(`create ${id} failed (${created.code}): ${created.stderr.trim()}`);
    const started = this.runtime(['start', id]);
    if (started.code !== 0) throw new Error(`start ${id} failed (${started.code}): ${started.stderr.trim()}`);
    return Number(readFileSync(pidFile, 'utf8').trim());
  }

  state(id: ContainerId): OciState {
    const r = this.runtime(['state', id]);
    if (r.code !== 0) throw new Error(`state ${id} failed (${r.code}): ${r.stderr.trim()}`);
    return JSON.parse(r.stdout) as OciState;
  }

  /** Waits (bounded, polling) until the container reaches a status. */
  async waitForStatus(id: ContainerId, status: OciState['status']): Promise<OciState> {
    let last: OciState | undefined;
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; await sleep(50)) {
      last = this.state(id);
      if (last.status === status) return last;
    }
    throw new Error(`container ${id} stayed ${last?.status}, never became ${status}`);
  }

  /** The argv of `exec` in the contract's shape: exec <id> [flags] -- CMD ARGS. */
  execArgs(id: ContainerId, cmd: string[], flags: string[] = []): string[] {
    // runc (used to validate the suite) takes its flags before the id and no "--".
    return underRunc ? ['exec', ...flags, id, ...cmd] : ['exec', id, ...flags, '--', ...cmd];
  }

  /** Force-deletes every container this lab started, unmounts anything left under it, removes it. */
  close(): void {
    for (const id of this.containers) {
      const [cmd, ...prefix] = runtimeCommand();
      spawnSync(cmd, [...prefix, '--root', this.stateRoot, 'delete', '--force', id], { stdio: 'ignore', timeout: HANG_GUARD_MS });
    }
    // A leaked mount must not turn `rm -r` into a walk through the host's files.
    for (const m of hostMountsUnder(this.dir).reverse()) {
      spawnSync('umount', ['-l', m.mountPoint], { stdio: 'ignore' });
    }
    removeTempDir(this.dir);
  }

  /** Entries in the runtime's state root (one per container it still knows). */
  stateEntries(): string[] {
    return existsSync(this.stateRoot) ? readdirSync(this.stateRoot) : [];
  }

}

/** OCI runtime-spec "state" (runtime.md#state). */
export interface OciState {
  ociVersion: string;
  id: string;
  status: 'creating' | 'created' | 'running' | 'paused' | 'stopped';
  pid?: number;
  bundle: string;
}

/** A runtime process running in the background, its output collected as it comes. */
export class Running {
  stdout = '';
  stderr = '';
  /** Resolves when the process has exited and its stdout and stderr are closed. */
  readonly done: Promise<RunResult>;
  /** Resolves when the process has exited (its stdio may still be held open by a container). */
  readonly exited: Promise<void>;

  constructor(readonly child: ChildProcess) {
    child.stdout!.setEncoding('utf8').on('data', (s: string) => (this.stdout += s));
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (this.stderr += s));
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    this.done = new Promise((resolve, reject) => {
      const guard = setTimeout(() => child.kill('SIGKILL'), HANG_GUARD_MS);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(guard);
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr });
      });
    });
  }

  /** Waits until stdout holds a line matching `pattern`, or the process ends (then it throws). */
  async waitForLine(pattern: RegExp): Promise<RegExpMatchArray> {
    let ended = false;
    void this.done.then(() => (ended = true));
    for (;;) {
      const match = this.stdout.split('\n').map((l) => l.match(pattern)).find(Boolean);
      if (match) return match;
      if (ended) throw new Error(`runtime ended before printing ${pattern}: stdout=${JSON.stringify(this.stdout)} stderr=${JSON.stringify(this.stderr)}`);
      await sleep(20);
    }
  }
}

/** Parses "key=value" lines a probe printed. */
export function probeValues(output: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of output.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) values.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return values;
}

/** The non-blank lines of a text (stderr that should hold one error line, a table...). */
export function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}

/** `runc run` of a bundle, with its own state root; `wrapper` is a command runc runs under (`unshare -m ...`). */
export function runUnderRunc(root: string, bundleDir: string, id: string, wrapper: string[] = []): RunResult {
  const [cmd, ...args] = [...wrapper, 'runc', '--root', root, 'run', '--bundle', bundleDir, id];
  const r = spawnSync(cmd!, args, { encoding: 'utf8', input: '', timeout: 60_000 });
  if (r.error) throw r.error;
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Runs a bundle under runc and under the runtime: the same stdout, stderr and exit code, or the test fails. Returns ours. */
export function sameAsRunc(lab: Lab, runcRoot: string, bundleDir: string, runcWrapper: string[] = []): RunResult {
  const reference = runUnderRunc(runcRoot, bundleDir, lab.newId('runc'), runcWrapper);
  const ours = lab.runtime(['run', lab.newId('ours'), '--bundle', bundleDir]);
  assert.notEqual(reference.stdout, '', `runc ran the probe: ${reference.stderr}`);
  assert.equal(ours.stdout, reference.stdout, 'same stdout');
  assert.equal(ours.stderr, reference.stderr, 'same stderr');
  assert.equal(ours.code, reference.code, 'same exit code');
  return ours;
}
