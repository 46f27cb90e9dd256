// Driving the daemonless engine the way a user types it:
//   <engine> --root <dir> build|run|images|... 
// An EngineLab is a temporary root holding the engine's store, with a
// busybox image imported into it from the test rootfs (no network, no
// registry). `close()` checks that nothing is left mounted under the root,
// then removes it. The engine under test is ours unless SKIFF_ENGINE names
// another one.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { engineCommand } from '../helpers/executables.ts';
import { makeBusyboxRootfs, makeTempDir, removeTempDir } from '../helpers/rootfs.ts';
import { hostMountsUnder } from '../01-namespaces/host.ts';

export interface Result { code: number; stdout: string; stderr: string }

export class EngineLab {
  readonly dir = makeTempDir('skiff-engine-');
  readonly root = join(this.dir, 'root');

  /** Runs the engine; never throws on a non-zero exit (tests assert on it). */
  engine(args: string[], options: { input?: string | Buffer; cwd?: string } = {}): Result {
    const [cmd, ...prefix] = engineCommand();
    const r = spawnSync(cmd, [...prefix, '--root', this.root, ...args], {
      encoding: 'utf8', input: options.input ?? '', cwd: options.cwd, timeout: 120_000, maxBuffer: 1 << 28,
    });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }

  /** Runs the engine and insists on success; answers stdout. */
  ok(args: string[], options: { input?: string | Buffer; cwd?: string } = {}): string {
    const r = this.engine(args, options);
    if (r.code !== 0) throw new Error(`skiff-engine ${args.join(' ')} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  }

  /** A busybox rootfs tarball, imported as `busybox:latest`. */
  importBusybox(name = 'busybox:latest'): string {
    const tar = this.busyboxTar();
    return this.ok(['import', tar, name]).trim();
  }

  busyboxTar(): string {
    const tar = join(this.dir, 'busybox.tar');
    if (!existsSync(tar)) {
      const rootfs = makeBusyboxRootfs(join(this.dir, 'busybox-rootfs'));
      const r = spawnSync('tar', ['-C', rootfs, '-cf', tar, '.']);
      if (r.status !== 0) throw new Error(`tar failed: ${r.stderr}`);
    }
    return tar;
  }

  /** Writes a build context: { 'Dockerfile': '...', 'dir/file': '...' }. */
  context(name: string, files: Record<string, string>): string {
    const dir = join(this.dir, name);
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    return dir;
  }

  /** Active snapshots (writable layers) in the store right now. */
  activeSnapshots(): string[] {
    const dir = join(this.root, 'snapshots', 'active');
    return existsSync(dir) ? readdirSync(dir) : [];
  }

  containerDirs(): string[] {
    const dir = join(this.root, 'containers');
    return existsSync(dir) ? readdirSync(dir) : [];
  }

  mounts(): string[] {
    return hostMountsUnder(this.dir).map((m) => m.mountPoint);
  }

  /** Removes every container, checks no mount is left, removes the root. */
  close(): void {
    const ids = this.engine(['ps', '-a', '-q']).stdout.split('\n').filter(Boolean);
    if (ids.length) this.engine(['rm', '-f', ...ids]);
    const left = this.mounts();
    removeTempDir(this.dir);
    if (left.length) throw new Error(`mounts left behind: ${left.join(', ')}`);
  }
}

/** cgroup directories named after a container id, on v1 or v2 hierarchies. */
export function cgroupDirsOf(id: string): string[] {
  const found: string[] = [];
  const visit = (dir: string, depth: number): void => {
    if (depth > 4) return;
    let entries: string[];
    try {
      entries = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    } catch {
      return;
    }
    for (const name of entries) {
      if (name.includes(id)) found.push(join(dir, name));
      else visit(join(dir, name), depth + 1);
    }
  };
  visit('/sys/fs/cgroup', 0);
  return found;
}
