// A cached rebuild of a small Dockerfile: skiff-engine against `docker build`
// with the legacy builder (DOCKER_BUILDKIT=0) on a private dockerd, both from
// the same busybox rootfs imported as `busybox`, both already built once, so
// every step is a cache hit. What is timed is the cost of deciding that
// nothing changed: reading the Dockerfile and context, hashing the copied
// files, and looking each step up.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBusyboxRootfs } from '../scripts/rootfs.ts';
import { startDockerd, tarDirectory } from '../test/helpers/dockerd.ts';
import { engineCommand } from '../test/helpers/executables.ts';
import { makeBuildContext } from './lib/build-context.ts';
import { printTable, timeCommand, type Summary } from './lib/measure.ts';

const work = mkdtempSync(join(tmpdir(), 'skiff-bench-build-'));
const dockerd = await startDockerd();
try {
  const tar = tarDirectory(makeBusyboxRootfs(join(work, 'rootfs')), join(work, 'busybox.tar'));
  const context = makeBuildContext(join(work, 'context'));

  const skiff = [...engineCommand(), '--root', join(work, 'skiff')];
  const must = (argv: string[], env: NodeJS.ProcessEnv = process.env) => {
    const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', env });
    if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
  };
  must([...skiff, 'import', tar, 'busybox']);
  must([...skiff, 'build', '-t', 'bench', context]);

  const dockerEnv = { ...process.env, DOCKER_BUILDKIT: '0', DOCKER_HOST: dockerd.host, DOCKER_CONFIG: join(dockerd.dir, 'cli-config') };
  dockerd.docker(['import', tar, 'busybox']);
  must(['docker', 'build', '-t', 'bench', context], dockerEnv);

  const rows: Summary[] = [
    timeCommand('skiff-engine build', () => [...skiff, 'build', '-t', 'bench', context]),
    timeCommand('docker build (legacy)', () => ['docker', 'build', '-t', 'bench', context], { env: dockerEnv }),
    timeCommand('skiff-engine images', () => [...skiff, 'images']),
  ];
  printTable('cached rebuild of a 7-step Dockerfile (50 files copied)', rows, 'docker build (legacy)');
} finally {
  await dockerd.stop();
  rmSync(work, { recursive: true, force: true });
}
