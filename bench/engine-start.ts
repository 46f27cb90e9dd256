// How long skiff-engine takes to answer its light commands, against the
// floor it stands on: Node starting and exiting (`node -e 0`). Every
// command is a fresh process, so what each one imports is most of its cost;
// main.ts loads a command's code only when that command runs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBusyboxRootfs } from '../scripts/rootfs.ts';
import { tarDirectory } from '../test/helpers/dockerd.ts';
import { engineCommand } from '../test/helpers/executables.ts';
import { printTable, timeCommand, type Summary } from './lib/measure.ts';

const work = mkdtempSync(join(tmpdir(), 'skiff-bench-start-'));
try {
  const tar = tarDirectory(makeBusyboxRootfs(join(work, 'rootfs')), join(work, 'busybox.tar'));
  const skiff = [...engineCommand(), '--root', join(work, 'root')];
  const imported = spawnSync(skiff[0], [...skiff.slice(1), 'import', tar, 'busybox'], { encoding: 'utf8' });
  if (imported.status !== 0) throw new Error(`import failed: ${imported.stderr}`);

  const rows: Summary[] = [
    timeCommand('node -e 0', () => [process.execPath, '-e', '0']),
    timeCommand('skiff-engine --help', () => [...skiff, '--help']),
    timeCommand('skiff-engine images', () => [...skiff, 'images']),
    timeCommand('skiff-engine inspect', () => [...skiff, 'inspect', 'busybox']),
    timeCommand('skiff-engine history', () => [...skiff, 'history', 'busybox']),
    timeCommand('skiff-engine ps -a', () => [...skiff, 'ps', '-a']),
    timeCommand('skiff-engine run --rm busybox true', () => [...skiff, 'run', '--rm', 'busybox', 'true']),
  ];
  printTable('skiff-engine start-up: each command a fresh process', rows, 'node -e 0');
} finally {
  rmSync(work, { recursive: true, force: true });
}
