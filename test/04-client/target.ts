// The daemon the client tests drive: a private real dockerd by default, or
// skiffd with SKIFF_CLIENT_TARGET=skiffd — the same tests, either peer. The
// daemon gets a busybox image, `busybox:latest`, imported from a rootfs made
// on this machine (no network).
import { join, resolve } from 'node:path';
import { startDockerd, tarDirectory, type Dockerd } from '../helpers/dockerd.ts';
import { makeBusyboxRootfs, makeTempDir, removeTempDir } from '../helpers/rootfs.ts';

export type TargetName = 'dockerd' | 'skiffd';

export interface Target extends Dockerd {
  name: TargetName;
  /** Where the busybox root filesystem tarball is, for `import` tests. */
  rootfsTar: string;
}

export const targetName = (): TargetName => {
  const name = process.env.SKIFF_CLIENT_TARGET ?? 'dockerd';
  if (name !== 'dockerd' && name !== 'skiffd') throw new Error(`SKIFF_CLIENT_TARGET must be dockerd or skiffd, not ${name}`);
  return name;
};

/** Starts the daemon the environment asks for and seeds it with busybox:latest. */
export async function startTarget(): Promise<Target> {
  const name = targetName();
  const daemon = name === 'dockerd' ? await startDockerd() : await startSkiffdByPath();
  const work = makeTempDir('skiff-client-');
  try {
    const rootfsTar = tarDirectory(makeBusyboxRootfs(join(work, 'rootfs')), join(work, 'rootfs.tar'));
    daemon.docker(['import', '-c', 'CMD ["sh"]', rootfsTar, 'busybox:latest']);
    const stop = async () => {
      await daemon.stop();
      removeTempDir(work);
    };
    return { ...daemon, name, rootfsTar, stop };
  } catch (error) {
    await daemon.stop();
    removeTempDir(work);
    throw error;
  }
}

/** skiffd's helper lives with the daemon's chapter; it is loaded by a computed path so this file compiles without it. */
async function startSkiffdByPath(): Promise<Dockerd> {
  const helper = ['..', 'helpers', 'skiffd.ts'].join('/');
  const { startSkiffd } = (await import(helper)) as { startSkiffd: () => Promise<Dockerd> };
  return startSkiffd();
}

/** The `skiff` command line as built (`npm run build`), or SKIFF_CLI's, for grading another client. */
export function skiffCommand(): string {
  return process.env.SKIFF_CLI ?? `${process.execPath} ${resolve(import.meta.dirname, '../../dist/chapters/04-client/cli/main.js')}`;
}
