// size.ts — `docker ps --size`: how much a container wrote, and how much it sees.

import { join } from 'node:path';
import { bytesUnder } from '../volumes/index.js';
import type { Container } from './container.js';
import type { DaemonContext } from './context.js';
import { pathsOf } from './paths.js';

// #region size
/**
 * SizeRw: the bytes of the files in the container's writable layer — an
 * overlay's upper directory holds exactly what it added or changed.
 * SizeRootFs: that, and the image below it.
 */
export async function containerSize(ctx: DaemonContext, c: Container): Promise<{ SizeRw: number; SizeRootFs: number }> {
  const { snapshotter, images } = ctx.engine;
  const key = pathsOf(ctx, c).snapshotKey;
  let rw = 0;
  try {
    // In copy mode the writable layer is a whole copy: its disk usage is the best cheap answer.
    rw = snapshotter.activeInfo(key).mode === 'overlay' ? bytesUnder(snapshotter.upperDir(key)) : snapshotter.usage(key);
  } catch {
    // its layer is gone (being removed): nothing to count
  }
  let image = 0;
  try {
    image = ctx.engine.unpackedSize(await images.resolve(c.record.Image));
  } catch {
    // the image was removed with -f
  }
  return { SizeRw: rw, SizeRootFs: rw + image };
}

// #endregion size
