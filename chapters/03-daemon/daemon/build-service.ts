// build-service.ts — POST /build's backend: chapter 02's Builder, fed a tar.

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { InvalidArgumentError, run, RuntimeError } from '../../01-namespaces/index.js';
import {
  applyLayer, Builder, DockerfileError, familiarString, parseDockerfile, parseReference, runtimeSpec, shortId, type Engine, type StepRunner,
} from '../../02-images/index.js';
import type { BuildBackend, BuildRequest, JsonMessage } from '../api/index.js';
import type { Events } from './events.js';
import { outputPipe } from './output-pipe.js';
import { applyUserns } from './userns-mode.js';

// #region build-service
export class BuildService implements BuildBackend {
  constructor(private readonly engine: Engine, private readonly events: Events) {}

  async build(context: Readable, request: BuildRequest, progress: (message: JsonMessage) => void): Promise<string> {
    const work = join(this.engine.root, 'builds', randomBytes(8).toString('hex'));
    mkdirSync(join(work, 'context'), { recursive: true });
    const say = request.quiet ? () => {} : (text: string) => progress({ stream: text });
    const steps = { lastCode: 0, lastCommand: [] as string[] };
    try {
      await applyLayer(join(work, 'context'), context);
      checkDockerfile(join(work, 'context'), request.dockerfile);
      const builder = new Builder(this.engine.root, this.engine.images, this.engine.snapshotter, this.stepRunner(work, say, steps));
      const image = await builder.build({
        contextDir: join(work, 'context'),
        dockerfile: withLabels(work, request.dockerfile, request.labels),
        tags: request.tags, buildArgs: request.buildArgs, noCache: request.noCache, write: say,
        // A missing base image is pulled, its progress messages sent as they are, as moby's legacy builder does.
        pull: request.pull && ((name) => request.pull!(name, request.quiet ? () => {} : progress)),
      });
      progress({ aux: { ID: image.id } });
      for (const tag of request.tags) this.events.log('image', 'tag', image.id, { name: familiarString(parseReference(tag)) });
      return image.id;
    } catch (err) {
      // A RUN that failed (the build stops at it): the CLI exits with its code, which the stream's errorDetail carries.
      if (steps.lastCode !== 0) {
        throw new RuntimeError(`The command '${steps.lastCommand.join(' ')}' returned a non-zero code: ${steps.lastCode}`, steps.lastCode);
      }
      throw err;
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  // #endregion build-service

  // #region build-step
  /** Chapter 02's step runner, with the step's stdout and stderr piped into the stream. */
  private stepRunner(work: string, say: (text: string) => void, steps: { lastCode: number; lastCommand: string[] }): StepRunner {
    return async (step) => {
      const spec = runtimeSpec(step.rootfs, step.config ?? {}, { hostname: shortId(step.id), cgroupsPath: `skiff/build-${step.id}` });
      // Under --userns-remap a RUN step is a container like any other: its root is the remapped one.
      const idMap = this.engine.snapshotter.idMap;
      if (idMap) applyUserns(spec, idMap);
      writeFileSync(join(step.bundle, 'config.json'), JSON.stringify(spec, null, 2));
      const output = outputPipe(join(work, `${step.id}.out`), say);
      try {
        steps.lastCommand = [...(step.config?.Entrypoint ?? []), ...(step.config?.Cmd ?? [])];
        steps.lastCode = await run({ id: step.id, bundle: step.bundle, stateRoot: this.engine.containers.stateRoot, stdio: ['ignore', output.fd, output.fd] });
        return steps.lastCode;
      } finally {
        await output.close();
      }
    };
  }
}
// #endregion build-step

// #region check-dockerfile
/** A Dockerfile that does not parse is refused before the build's stream begins: a 400, in moby's words. */
function checkDockerfile(contextDir: string, dockerfile: string): void {
  const path = resolve(contextDir, dockerfile);
  if (!path.startsWith(contextDir) || !existsSync(path)) return; // the builder says what is missing, in its words
  try {
    parseDockerfile(readFileSync(path, 'utf8'));
  } catch (err) {
    if (!(err instanceof DockerfileError)) throw err;
    throw new InvalidArgumentError(`dockerfile parse error line ${err.line}: ${err.message.slice(`Dockerfile line ${err.line}: `.length)}`);
  }
}
// #endregion check-dockerfile

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
