// Start-to-exit latency of a container running /bin/true from the same
// busybox bundle (written by `runc spec`), under skiff-runtime, runc and crun.
// Node's own start-up is printed as the floor our runtime stands on.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBusyboxRootfs } from '../scripts/rootfs.ts';
import { runtimeCommand } from '../test/helpers/executables.ts';
import { printTable, timeInTurns } from './lib/measure.ts';

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

  // Node reads the file NODE_EXTRA_CA_CERTS names before it runs a line of
  // ours; a machine that sets it makes every Node start-up pay for it. The
  // runtime spawns init without it, and bin/skiff-runtime drops it; Node
  // started directly gets what its caller has. So the command is timed both
  // ways, and the table says which is which.
  const extraCerts = process.env.NODE_EXTRA_CA_CERTS;
  const withoutCerts = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'NODE_EXTRA_CA_CERTS'));
  const skiff = (name: string) => (i: number) => [...runtimeCommand(), '--root', stateRoot(name), 'run', id(name, i), '--bundle', bundle];
  console.log(`NODE_EXTRA_CA_CERTS ${extraCerts ? 'is set' : 'is not set'}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  const runc = { name: 'runc', argv: (i: number) => ['runc', '--root', stateRoot('runc'), 'run', '--bundle', bundle, id('runc', i)] };
  const rows = timeInTurns([
    { name: extraCerts ? 'skiff-runtime, with NODE_EXTRA_CA_CERTS' : 'skiff-runtime', argv: skiff('skiff') },
    ...(extraCerts ? [{ name: 'skiff-runtime, without it (as bin/ starts it)', argv: skiff('skiff-bare'), options: { env: withoutCerts } }] : []),
    runc,
    { name: 'crun', argv: (i: number) => crunWrapped(`crun --root ${stateRoot('crun')} run --bundle ${bundle} ${id('crun', i)}`) },
  ]);
  printTable('start-to-exit of /bin/true in a busybox bundle', rows, 'runc');

  const floors = timeInTurns([
    { name: 'node -e 0', argv: () => [process.execPath, '-e', '0'] },
    // init starts with an empty environment: Node's start-up without what ours may ask of it (NODE_OPTIONS, extra CA certificates...)
    { name: 'node -e 0, empty env', argv: () => ['env', '-i', process.execPath, '-e', '0'] },
    // the runtime's own start-up (Node plus its imports), with no container to run
    { name: 'skiff-runtime list', argv: () => [...runtimeCommand(), '--root', stateRoot('skiff-list'), 'list'] },
    { name: hybrid ? 'crun wrapper alone' : 'sh -c true', argv: () => crunWrapped('true') },
    runc,
  ]);
  printTable('floors: what a process costs before any container work', floors, 'runc');
  console.log(`\nload average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
