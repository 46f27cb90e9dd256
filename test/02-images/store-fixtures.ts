// Small real images for store tests: layers are real tar files made by tar(1)
// from real directories, so diff ids and snapshots are the real thing.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { digestOf, type Digest } from '../../chapters/02-images/store/digest.js';
import type { ImageRecord, ImageStore } from '../../chapters/02-images/store/image-store.js';
import type { Descriptor } from '../../chapters/02-images/store/manifest.js';
import { MediaType } from '../../chapters/02-images/store/media-types.js';

/** A tar layer holding `files` (path → content), built with tar(1). */
export function makeLayer(workDir: string, name: string, files: Record<string, string>): Buffer {
  const dir = join(workDir, `layer-src-${name}`);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  const tarPath = join(workDir, `${name}.tar`);
  execFileSync('tar', ['-C', dir, '--numeric-owner', '--owner=0', '--group=0', '-cf', tarPath, '.']);
  return readFileSync(tarPath);
}

/** Stores the layers and an image made of them, named `ref` if given. */
export async function makeImage(
  store: ImageStore,
  layers: Buffer[],
  options: { ref?: string; cmd?: string[]; created?: string } = {},
): Promise<ImageRecord> {
  const descriptors: Descriptor[] = [];
  const diffIds: Digest[] = [];
  for (const layer of layers) {
    const { digest, size } = await store.content.write(layer);
    descriptors.push({ mediaType: MediaType.ociLayer, digest, size });
    diffIds.push(digestOf(layer));
  }
  return store.putImage({
    config: {
      created: options.created ?? new Date().toISOString(),
      architecture: 'amd64',
      os: 'linux',
      config: { Cmd: options.cmd ?? ['sh'], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] },
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: layers.map(() => ({ created_by: 'test fixture' })),
    },
    layers: descriptors,
    ref: options.ref,
  });
}
