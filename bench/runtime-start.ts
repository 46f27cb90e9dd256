// Start-to-exit latency of a container running /bin/true from the same
// busybox bundle (written by `runc spec`), under skiff-runtime, runc and crun.
// Node's own start-up is printed as the floor our runtime stands on.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBusyboxRootfs } from '../scripts/rootfs.ts';
import { runtimeCommand } from '../test/helpers/executables.ts';
import { printTable, timeCommand, type Summary } from './lib/measure.ts';

const work = mkdtempSync(join(tmpdir(), 'skiff-bench-'));
try {
  const bundle = join(work, 'bundle');
  mkdirSync(bundle);
  makeBusyboxRootfs(join(bundle, 'rootfs'));
  execFileSync('runc', ['spec', '--bundle', bundle]);
  const config = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8'));
  config.process.args = ['/bin/true'];
  config.process.terminal = false;
  writeFileSync(join(bundle, 'config.json'), JSON.stringify(config, null, 2));

  const stateRoot = (name: string) => {
    const dir = join(work, `state-${name}`);
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  const id = (name: string, i: number) => `bench-${name}-${process.pid}-${i}`;

  // crun 1.8 refuses a cgroup v1/v2 hybrid; it runs in a private mount
  // namespace where the (empty) v2 hierarchy is unmounted. That wrapper costs
  // something of its own, so it is timed alone too.
  const hybrid = spawnSync('mountpoint', ['-q', '/sys/fs/cgroup/unified']).status === 0;
  const crunWrapped = (inner: string) => (hybrid ? ['unshare', '-m', '--propagation', 'private', 'sh', '-c', `umount /sys/fs/cgroup/unified && exec ${inner}`] : ['sh', '-c', `exec ${inner}`]);

  const rows: Summary[] = [];
  rows.push(timeCommand('skiff-runtime', (i) => [...runtimeCommand(), '--root', stateRoot('skiff'), 'run', id('skiff', i), '--bundle', bundle]));
  rows.push(timeCommand('runc', (i) => ['runc', '--root', stateRoot('runc'), 'run', '--bundle', bundle, id('runc', i)]));
  rows.push(timeCommand('crun', (i) => crunWrapped(`crun --root ${stateRoot('crun')} run --bundle ${bundle} ${id('crun', i)}`)));
  printTable('start-to-exit of /bin/true in a busybox bundle', rows, 'runc');

  const floors: Summary[] = [
    timeCommand('node -e 0', () => [process.execPath, '-e', '0']),
    // init starts with an empty environment: Node's start-up without what ours may ask of it (NODE_OPTIONS, extra CA certificates...)
    timeCommand('node -e 0, empty env', () => ['env', '-i', process.execPath, '-e', '0']),
    // the runtime's own start-up (Node plus its imports), with no container to run
    timeCommand('skiff-runtime list', () => [...runtimeCommand(), '--root', stateRoot('skiff-list'), 'list']),
    timeCommand(hybrid ? 'crun wrapper alone' : 'sh -c true', () => crunWrapped('true')),
    rows.find((r) => r.name === 'runc')!,
  ];
  printTable('floors: what a process costs before any container work', floors, 'runc');
} finally {
  rmSync(work, { recursive: true, force: true });
}
