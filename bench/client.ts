// What a user waits for on every command: `skiff` beside the docker CLI, on
// the same daemon (a private dockerd, or skiffd with SKIFF_CLIENT_TARGET=skiffd),
// each command a fresh process. The CLI's start-up is most of `ps`; `run --rm`
// adds the daemon's work, the same for both clients.
import { startTarget } from '../test/04-client/target.ts';
import { skiffCommand } from '../test/04-client/target.ts';
import { printTable, timeCommand } from './lib/measure.ts';

const target = await startTarget();
try {
  const env = { ...process.env, DOCKER_HOST: target.host, DOCKER_CONFIG: `${target.dir}/cli-config` };
  const skiff = skiffCommand().split(' ');
  const rows = [
    timeCommand('node -e 0', () => [process.execPath, '-e', '0']),
    timeCommand('docker ps', () => ['docker', 'ps'], { env }),
    timeCommand('skiff ps', () => [...skiff, 'ps'], { env }),
    timeCommand('docker run --rm busybox true', () => ['docker', 'run', '--rm', 'busybox', 'true'], { env }),
    timeCommand('skiff run --rm busybox true', () => [...skiff, 'run', '--rm', 'busybox', 'true'], { env }),
  ];
  printTable(`skiff and the docker CLI against ${target.name}`, rows, 'docker ps');
} finally {
  await target.stop();
}
