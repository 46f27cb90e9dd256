// build-service.ts — POST /build's backend: chapter 02's Builder, fed a tar.
//
// The docker CLI sends the build context as a tar in the request body. It is
// unpacked with chapter 02's own layer code (which refuses paths that climb
// out of the directory), and built by chapter 02's Builder exactly as
// `skiff-engine build` would — with one difference: a RUN step's output goes
// into the response's JSON stream rather than to the daemon's own stdout.

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { run } from '../../01-namespaces/index.js';
import {
  applyLayer, Builder, familiarString, parseReference, runtimeSpec, type Engine, type StepRunner,
} from '../../02-images/index.js';
import type { BuildBackend, BuildRequest, JsonMessage } from '../api/index.js';
import type { Events } from './events.js';
import { outputPipe } from './output-pipe.js';

// #region build-service
export class BuildService implements BuildBackend {
  constructor(private readonly engine: Engine, private readonly events: Events) {}

  async build(context: Readable, request: BuildRequest, progress: (message: JsonMessage) => void): Promise<string> {
    const work = join(this.engine.root, 'builds', randomBytes(8).toString('hex'));
    mkdirSync(join(work, 'context'), { recursive: true });
    const say = request.quiet ? () => {} : (text: string) => progress({ stream: text });
    try {
      await applyLayer(join(work, 'context'), context);
      const builder = new Builder(this.engine.root, this.engine.images, this.engine.snapshotter, this.stepRunner(work, say));
      const image = await builder.build({
        contextDir: join(work, 'context'),
        dockerfile: withLabels(work, request.dockerfile, request.labels),
        tags: request.tags, buildArgs: request.buildArgs, noCache: request.noCache, write: say,
      });
      progress({ aux: { ID: image.id } });
      for (const tag of request.tags) this.events.log('image', 'tag', image.id, { name: familiarString(parseReference(tag)) });
      return image.id;
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  // #endregion build-service

  // #region build-step
  /** Chapter 02's step runner, with the step's stdout and stderr piped into the stream. */
  private stepRunner(work: string, say: (text: string) => void): StepRunner {
    return async (step) => {
      const spec = runtimeSpec(step.rootfs, step.config ?? {}, { hostname: step.id.slice(0, 12), cgroupsPath: `skiff/build-${step.id}` });
      writeFileSync(join(step.bundle, 'config.json'), JSON.stringify(spec, null, 2));
      const output = outputPipe(join(work, `${step.id}.out`), say);
      try {
        return await run({ id: step.id, bundle: step.bundle, stateRoot: this.engine.containers.stateRoot, stdio: ['ignore', output.fd, output.fd] });
      } finally {
        await output.close();
      }
    };
  }
}
// #endregion build-step

// #region build-labels
/**
 * `--label` as moby's legacy builder applies it: one more LABEL instruction
 * after the Dockerfile's last (so it is a step, and shows as one). The
 * Dockerfile with the extra line is written beside the context, not in it,
 * so that `COPY .` never sees it.
 */
function withLabels(work: string, dockerfile: string, labels: Record<string, string>): string {
  const original = resolve(work, 'context', dockerfile);
  if (Object.keys(labels).length === 0 || !existsSync(original) || !original.startsWith(join(work, 'context'))) return dockerfile;
  const line = Object.entries(labels).map(([k, v]) => `${JSON.stringify(k)}=${JSON.stringify(v)}`).join(' ');
  const patched = join(work, 'Dockerfile.labels');
  writeFileSync(patched, `${readFileSync(original, 'utf8').replace(/\n?$/, '\n')}LABEL ${line}\n`);
  return patched;
}
// #endregion build-labels
