// builder.ts — a Dockerfile, step by step, into an image: the legacy docker builder's loop, in miniature.

import { randomBytes } from 'node:crypto';
import { closeSync, createReadStream, existsSync, lstatSync, openSync, readdirSync, readFileSync, readSync, rmdirSync, statSync, unlinkSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join, posix, relative, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { InvalidArgumentError, NotFoundError, parseSignal, resolveInRoot, RuntimeError } from '../../01-namespaces/index.js';
import { BuildCache, type CacheEntry } from './build-cache.js';
import {
  checksumFiles,
  collectSources,
  ContextError,
  copyIntoRootfs,
  destinationIsDirectory,
  sourceIsDirectory,
  type ContextFile,
  type Owner,
} from './build-context.js';
import {
  applyLayer, chainIds, commitLayer, mkdirAs, mountRootfs, ownerOnHost, unmountRootfs, type LayerChainId, type Snapshotter, unpackImage,
} from '../layers/index.js';
import {
  detectCompression, DigestMismatchError, digestOf, encodeJson, familiarString, MediaType, parseReference, shortId,
  type ContainerConfig, type Descriptor, type ImageRecord, type ImageStore, type OciImageConfig,
} from '../store/index.js';
import {
  baseName, baseStage, fromStage, neededStages, splitStages, targetStage, type Stage, type StagedDockerfile,
} from './build-stages.js';
import { dockerignoreRule, readDockerignore, type IgnoreRule } from './dockerignore.js';
import {
  DockerfileError, expandWord, keyValues, parseDockerfile, parseTrigger, splitWords, type Instruction, type Vars,
} from './dockerfile.js';
import { goQuote } from './go-format.js';
import { healthcheckHistory, mergeHealthcheck } from './healthcheck.js';
import { DEFAULT_PATH, resolveUser } from './image-config.js';

// #region build-options
export interface BuildOptions {
  contextDir: string;
  /** The Dockerfile; default `Dockerfile` in the context. */
  dockerfile?: string;
  tags?: string[];
  buildArgs?: Record<string, string>;
  noCache?: boolean;
  /** `--target`: the stage whose image the build makes; default the last. */
  target?: string;
  /** Where the step-by-step progress goes. */
  write: (text: string) => void;
  /** Fetches a base image the store lacks (a registry client's pull); without one, a miss is final. */
  pull?: (name: string) => Promise<void>;
}

/** Runs one RUN step: a command in a container on the mounted rootfs; returns its exit code. */
export type StepRunner = (input: { id: string; rootfs: string; bundle: string; config: ContainerConfig }) => Promise<number>;
// #endregion build-options

// #region builder
/** The image between two steps. */
interface BuildState {
  /** The config document, with rootfs.diff_ids and history. */
  config: OciImageConfig;
  layers: Descriptor[];
  /** Its image id: the digest of the config bytes, or `scratch`. */
  id: string;
}

/** The shell that shell-form RUN, CMD and ENTRYPOINT use unless SHELL changes it. */
const DEFAULT_SHELL = ['/bin/sh', '-c'];

export class Builder {
  private readonly cache: BuildCache;

  constructor(
    private readonly root: string,
    private readonly images: ImageStore,
    private readonly snapshotter: Snapshotter,
    private readonly runStep: StepRunner,
  ) {
    this.cache = new BuildCache(root);
  }
  // #endregion builder

  // #region build-loop
  async build(options: BuildOptions): Promise<ImageRecord> {
    const contextDir = resolve(options.contextDir);
    if (!existsSync(contextDir) || !statSync(contextDir).isDirectory()) {
      throw new NotFoundError(`unable to prepare context: path ${JSON.stringify(options.contextDir)} not found`);
    }
    const dockerfilePath = resolve(contextDir, options.dockerfile ?? 'Dockerfile');
    // moby reports this as a plain error (a 500 through the API), not as a missing object.
    if (!existsSync(dockerfilePath)) throw new RuntimeError(`Cannot locate specified Dockerfile: ${options.dockerfile ?? 'Dockerfile'}`);
    const instructions = parseDockerfile(readFileSync(dockerfilePath, 'utf8'));
    if (instructions.length === 0) {
      // Docker's words, naming the file as the context sees it.
      const name = relative(contextDir, dockerfilePath);
      throw new InvalidArgumentError(`the Dockerfile (${name.startsWith('..') ? options.dockerfile : name}) cannot be empty`);
    }
    const tags = (options.tags ?? []).map((t) => parseReference(t).full); // bad tags fail before any work
    const staged = splitStages(instructions);
    const target = targetStage(staged.stages, options.target);

    const build = new StagedBuild(this, contextDir, readDockerignore(contextDir), options, instructions, staged);
    const state = await build.run(target);
    build.warnUnusedArgs();

    const image = await this.images.putImage({ config: state.config, layers: state.layers, ref: tags[0] });
    for (const tag of tags.slice(1)) await this.images.tag(image.id, tag);
    options.write(`Successfully built ${shortId(image.id)}\n`);
    for (const tag of tags) options.write(`Successfully tagged ${familiarString(parseReference(tag))}\n`);
    return image;
  }

  /** Internals a BuildRun needs; kept on the Builder so the run stays a plain state machine. */
  get parts() {
    return { root: this.root, images: this.images, snapshotter: this.snapshotter, cache: this.cache, runStep: this.runStep };
  }
}
// #endregion build-loop

// #region staged-build
/**
 * One build: the ARGs before the first FROM, then each stage the target
 * needs, in the Dockerfile's order, each stage's image kept for the stages
 * after it. Steps are numbered over the Dockerfile up to the target's last
 * instruction, as the legacy builder numbers them.
 */
class StagedBuild {
  readonly globalArgs = new Map<string, string | undefined>();
  readonly usedBuildArgs = new Set<string>();
  private readonly results = new Map<number, BuildState>();
  private total = 0;

  constructor(
    readonly builder: Builder,
    private readonly contextDir: string,
    private readonly ignored: IgnoreRule,
    readonly options: BuildOptions,
    private readonly instructions: Instruction[],
    readonly staged: StagedDockerfile,
  ) {}

  async run(target: Stage): Promise<BuildState> {
    this.total = this.instructions.indexOf(target.instructions.at(-1) ?? target.from) + 1;
    const outsideStages = this.newRun(null);
    for (const ins of this.staged.globalArgs) await this.step(outsideStages, ins);
    const needed = neededStages(this.staged.stages, target, this.globalVars());
    for (const stage of this.staged.stages.slice(0, target.index + 1)) {
      if (needed.has(stage.index)) await this.stageResult(stage);
      else this.options.write(`Skipping stage ${stage.name ?? stage.index}: the target stage does not need it\n`);
    }
    return this.results.get(target.index)!;
  }
  // #endregion staged-build

  // #region stage-result
  /** A stage's image; built now if it was not yet (an ONBUILD trigger may ask for a skipped one). */
  async stageResult(stage: Stage): Promise<BuildState> {
    const done = this.results.get(stage.index);
    if (done) return done;
    const run = this.newRun(stage);
    for (const ins of [stage.from, ...stage.instructions]) await this.step(run, ins);
    this.results.set(stage.index, run.finalState());
    return run.finalState();
  }
  // #endregion stage-result

  // #region stage-step
  /** One instruction, announced with its number; any failure named by its line. */
  private async step(run: BuildRun, ins: Instruction): Promise<void> {
    this.options.write(`Step ${this.instructions.indexOf(ins) + 1}/${this.total} : ${ins.text}\n`);
    try {
      await run.step(ins);
    } catch (err) {
      if (err instanceof DockerfileError) throw err;
      throw new DockerfileError(ins.line, (err as Error).message);
    }
  }

  /** The global ARGs that have a value: all a FROM line may use. */
  globalVars(): Map<string, string> {
    return new Map([...this.globalArgs].filter((e): e is [string, string] => e[1] !== undefined));
  }

  warnUnusedArgs(): void {
    const unused = Object.keys(this.options.buildArgs ?? {}).filter((k) => !this.usedBuildArgs.has(k));
    if (unused.length) this.options.write(`[Warning] One or more build-args [${unused.join(' ')}] were not consumed\n`);
  }

  private newRun(stage: Stage | null): BuildRun {
    return new BuildRun(this.builder, this.contextDir, this.ignored, this.options, this, stage);
  }
}
// #endregion stage-step

// #region build-run
/** One stage in progress: the image so far, the ARGs in scope, the cache switch. */
class BuildRun {
  private state: BuildState | null = null;
  private readonly args = new Map<string, string | undefined>();
  private cmdSetHere = false;
  private useCache: boolean;

  constructor(
    private readonly builder: Builder,
    private readonly contextDir: string,
    private readonly ignored: IgnoreRule,
    private readonly options: BuildOptions,
    private readonly build: StagedBuild,
    private readonly stage: Stage | null,
  ) {
    this.useCache = !options.noCache;
  }

  async step(ins: Instruction): Promise<void> {
    if (ins.keyword === 'FROM') return this.from(ins);
    if (ins.keyword === 'ARG') return this.arg(ins);
    if (!this.state) throw new DockerfileError(ins.line, `${ins.keyword} before FROM`);
    switch (ins.keyword) {
      case 'RUN':
        return this.run(ins);
      case 'COPY':
      case 'ADD':
        return this.copy(ins);
      default:
        return this.metadata(ins);
    }
  }
  // #endregion build-run

  // #region build-run-state
  finalState(): BuildState {
    if (!this.state || (this.state.id === 'scratch' && this.state.layers.length === 0)) {
      throw new InvalidArgumentError('No image was generated. Is your Dockerfile empty?');
    }
    return this.state;
  }

  /** Variables for substitution: ARGs in scope, then the image's ENV over them. */
  private vars(): Map<string, string> {
    const vars = new Map<string, string>();
    for (const [k, v] of this.args) if (v !== undefined) vars.set(k, v);
    for (const entry of this.state?.config.config?.Env ?? []) {
      const eq = entry.indexOf('=');
      vars.set(entry.slice(0, eq), entry.slice(eq + 1));
    }
    return vars;
  }
  // #endregion build-run-state

  // #region from
  /**
   * FROM starts the stage from an earlier stage's image, from nothing
   * (`scratch`), or from an image in the store; then the base image's
   * ONBUILD triggers, if it has any, fire.
   */
  private async from(ins: Instruction): Promise<void> {
    const globalVars = this.build.globalVars();
    const base = baseStage(this.build.staged.stages, this.stage!, globalVars);
    const name = baseName(ins, globalVars);
    if (base) this.state = structuredClone(await this.build.stageResult(base));
    else if (name === 'scratch') this.state = scratchState();
    else this.state = await this.imageState(name);
    const triggers = this.state.config.config?.OnBuild ?? [];
    if (triggers.length > 0) return this.runTriggers(ins, triggers);
    this.options.write(this.state.id === 'scratch' ? ' --->\n' : ` ---> ${shortId(this.state.id)}\n`);
  }

  /** An image of the store, unpacked, as the state a stage starts from. */
  private async imageState(name: string): Promise<BuildState> {
    const { images, snapshotter } = this.builder.parts;
    const image = await storedImage(images, name, this.options.pull);
    await unpackImage(images, image, snapshotter);
    const config: OciImageConfig = structuredClone(image.config);
    config.config ??= {};
    // The legacy builder's habit: an image without PATH gets Docker's default.
    if (!(config.config.Env ?? []).some((e) => e.startsWith('PATH='))) config.config.Env = [DEFAULT_PATH, ...(config.config.Env ?? [])];
    config.history ??= [];
    return { config, layers: [...image.manifest.layers], id: image.id };
  }
  // #endregion from

  // #region onbuild-triggers
  /**
   * The base image's ONBUILD triggers fire as part of this FROM: each read
   * as the instruction it is (an unknown one fails now) and run in order.
   * The image being built keeps none of them (moby
   * `builder/dockerfile/dispatchers.go`, initializeStage).
   */
  private async runTriggers(from: Instruction, triggers: string[]): Promise<void> {
    this.options.write(`# Executing ${triggers.length} build trigger${triggers.length === 1 ? '' : 's'}\n`);
    (this.state!.config.config ??= {}).OnBuild = null;
    for (const trigger of triggers) await this.step(parseTrigger(from.line, trigger));
  }
  // #endregion onbuild-triggers

  // #region arg
  private async arg(ins: Instruction): Promise<void> {
    const buildArgs = this.options.buildArgs ?? {};
    const scope = this.state ? this.args : this.build.globalArgs;
    const declared: Array<[string, string | undefined]> = [];
    for (const word of splitWords(ins.args, this.vars())) {
      const eq = word.indexOf('=');
      const name = eq < 0 ? word : word.slice(0, eq);
      const written = eq < 0 ? undefined : word.slice(eq + 1);
      let value = written;
      if (name in buildArgs) {
        value = buildArgs[name];
        this.build.usedBuildArgs.add(name);
      } else if (value === undefined && this.state) {
        value = this.build.globalArgs.get(name); // `ARG NAME` after FROM re-imports a global ARG
      }
      scope.set(name, value);
      declared.push([name, written]); // history shows the Dockerfile's default; RUN rows show the value used
    }
    if (!this.state) return;
    await this.commitMetadata(`ARG ${declared.map(([k, v]) => (v === undefined ? k : `${k}=${v}`)).join(' ')}`, () => {});
  }
  // #endregion arg

  // #region metadata
  /** Instructions that only edit the config: a new config, an empty_layer history row. */
  private async metadata(ins: Instruction): Promise<void> {
    const vars = this.vars();
    const shell = this.state!.config.config?.Shell ?? DEFAULT_SHELL;
    const command = (): string[] => ins.json ?? [...shell, ins.args];
    switch (ins.keyword) {
      case 'ENV': {
        const pairs = keyValues(ins, vars);
        return this.commitMetadata(`ENV ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}`, (c) => {
          const env = new Map((c.Env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
          for (const [k, v] of pairs) env.set(k, v);
          c.Env = [...env].map(([k, v]) => `${k}=${v}`);
        });
      }
      case 'LABEL': {
        const pairs = keyValues(ins, vars);
        return this.commitMetadata(`LABEL ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}`, (c) => {
          c.Labels = { ...(c.Labels ?? {}), ...Object.fromEntries(pairs) };
        });
      }
      case 'WORKDIR': {
        const dir = posix.resolve(this.state!.config.config?.WorkingDir || '/', expandWord(ins.args, vars));
        // moby comments a WORKDIR step with one space after #(nop), every other instruction with two.
        return this.commitMetadata(`WORKDIR ${dir}`, (c) => void (c.WorkingDir = dir), '#(nop) ');
      }
      case 'USER': {
        const user = expandWord(ins.args, vars);
        return this.commitMetadata(`USER ${user}`, (c) => void (c.User = user));
      }
      // #endregion metadata
      // #region metadata-more
      case 'EXPOSE': {
        const ports = splitWords(ins.args, vars).flatMap((spec) => exposedPorts(ins.line, spec));
        return this.commitMetadata(`EXPOSE ${ports.join(' ')}`, (c) => {
          c.ExposedPorts = { ...(c.ExposedPorts ?? {}), ...Object.fromEntries(ports.map((p) => [p, {}])) };
        });
      }
      case 'VOLUME': {
        const paths = ins.json ?? splitWords(ins.args, vars);
        return this.commitMetadata(`VOLUME [${paths.join(' ')}]`, (c) => {
          c.Volumes = { ...(c.Volumes ?? {}), ...Object.fromEntries(paths.map((p) => [p, {}])) };
        });
      }
      case 'CMD': {
        const cmd = command();
        this.cmdSetHere = true;
        return this.commitMetadata(`CMD ${goQuoteList(cmd)}`, (c) => void (c.Cmd = cmd));
      }
      case 'ENTRYPOINT': {
        const entrypoint = ins.json ?? (ins.args ? [...shell, ins.args] : []);
        // An ENTRYPOINT resets a Cmd inherited from the base image (Dockerfile reference, "Understand how CMD and ENTRYPOINT interact").
        const resetCmd = !this.cmdSetHere;
        return this.commitMetadata(`ENTRYPOINT ${goQuoteList(entrypoint)}`, (c) => {
          c.Entrypoint = entrypoint;
          if (resetCmd) c.Cmd = null;
        });
      }
      case 'MAINTAINER': {
        const author = ins.args;
        return this.commitMetadata(`MAINTAINER ${author}`, (_c, image) => void (image.author = author));
      }
      default:
        return this.runtimeMetadata(ins, vars);
    }
  }
  // #endregion metadata-more

  // #region commit-metadata
  /** Applies a config edit as a step of its own: cached, with a `#(nop)` history row. */
  private async commitMetadata(
    description: string,
    edit: (config: ContainerConfig, image: OciImageConfig) => void,
    nop = '#(nop)  ',
  ): Promise<void> {
    await this.cachedStep(description, '', async (state) => {
      const config = structuredClone(state.config);
      config.config ??= {};
      edit(config.config, config);
      return this.withHistory({ ...state, config }, `${shellOf(config)} ${nop}${description}`, true);
    });
  }
  // #endregion commit-metadata

  // #region runtime-metadata
  /**
   * How the image's containers are run and reused: the shell of shell
   * forms (SHELL, exec form only), the signal `docker stop` sends
   * (STOPSIGNAL), the health check (HEALTHCHECK), and the instructions an
   * image built FROM this one runs first (ONBUILD). The history rows are
   * the legacy builder's, Go's formatting included.
   */
  private async runtimeMetadata(ins: Instruction, vars: Vars): Promise<void> {
    switch (ins.keyword) {
      case 'SHELL': {
        if (!ins.json) throw new DockerfileError(ins.line, 'SHELL requires the arguments to be in JSON form');
        if (ins.json.length === 0) throw new DockerfileError(ins.line, 'SHELL requires at least one argument');
        const shell = ins.json;
        return this.commitMetadata(`SHELL [${shell.join(' ')}]`, (c) => void (c.Shell = shell));
      }
      case 'STOPSIGNAL': {
        const signal = checkStopSignal(expandWord(ins.args, vars));
        return this.commitMetadata(`STOPSIGNAL ${signal}`, (c) => void (c.StopSignal = signal));
      }
      case 'HEALTHCHECK': {
        const health = ins.healthcheck!;
        return this.commitMetadata(healthcheckHistory(health), (c) => void (c.Healthcheck = mergeHealthcheck(health, c.Healthcheck)));
      }
      case 'ONBUILD': {
        const trigger = ins.args;
        return this.commitMetadata(`ONBUILD ${trigger}`, (c) => void (c.OnBuild = [...(c.OnBuild ?? []), trigger]));
      }
      default:
        throw new DockerfileError(ins.line, `unknown instruction: ${ins.keyword}`);
    }
  }
  // #endregion runtime-metadata

  // #region cached-step
  /**
   * Looks the step up in the cache by (parent image, instruction, content);
   * on a miss, runs it and records the resulting image. From the first miss
   * on, every later step's parent is new, so the rest of the build runs.
   */
  private async cachedStep(
    description: string,
    contentChecksum: string,
    execute: (state: BuildState) => Promise<BuildState>,
  ): Promise<void> {
    const { cache } = this.builder.parts;
    const state = this.state!;
    const key = BuildCache.key(state.id, description, contentChecksum);
    if (this.useCache) {
      const hit = await cache.get(key, (entry) => this.usable(entry));
      if (hit) {
        this.state = { config: JSON.parse(hit.config) as OciImageConfig, layers: hit.layers, id: digestOf(hit.config) };
        this.options.write(` ---> Using cache\n ---> ${shortId(this.state.id)}\n`);
        return;
      }
    }
    const next = await execute(state);
    const configBytes = encodeJson(next.config).toString('utf8');
    this.state = { ...next, id: digestOf(configBytes) };
    cache.put(key, { config: configBytes, layers: next.layers });
    this.options.write(` ---> ${shortId(this.state.id)}\n`);
  }
  // #endregion cached-step

  // #region usable
  /** A cache entry is only good while its layers and its top snapshot still exist. */
  private async usable(entry: CacheEntry): Promise<boolean> {
    const { images, snapshotter } = this.builder.parts;
    if (!entry.layers.every((l) => images.content.has(l.digest))) return false;
    const config = JSON.parse(entry.config) as OciImageConfig;
    const chain = chainIds(config.rootfs.diff_ids).at(-1);
    return chain === undefined || snapshotter.exists(chain);
  }

  private withHistory(state: BuildState, createdBy: string, empty: boolean): BuildState {
    const created = new Date().toISOString();
    const config = state.config;
    config.created = created;
    config.history = [...(config.history ?? []), { created, created_by: createdBy, ...(empty ? { empty_layer: true } : {}) }];
    return state;
  }
  // #endregion usable

  // #region run
  private async run(ins: Instruction): Promise<void> {
    const state = this.state!;
    const shell = state.config.config?.Shell ?? DEFAULT_SHELL;
    const argv = ins.json ?? [...shell, ins.args];
    // Build args reach RUN as environment variables, and so belong to its cache key.
    const envNames = new Set((state.config.config?.Env ?? []).map((e) => e.slice(0, e.indexOf('='))));
    const argEnv = [...this.args].filter(([k, v]) => v !== undefined && !envNames.has(k)).map(([k, v]) => `${k}=${v}`);
    const description = `${argEnv.length ? `|${argEnv.length} ${argEnv.join(' ')} ` : ''}${argv.join(' ')}`;
    const printable = argv.map((a) => a).join(' ');
    await this.cachedStep(description, '', async (current) => {
      const id = randomBytes(32).toString('hex');
      this.options.write(` ---> Running in ${shortId(id)}\n`);
      const config: ContainerConfig = {
        ...current.config.config,
        Env: [...(current.config.config?.Env ?? []), ...argEnv],
        Entrypoint: null,
        Cmd: argv,
      };
      const next = await this.changeFilesystem(current, async (rootfs, bundle) => {
        const workdir = config.WorkingDir || '/';
        mkdirAs(resolveInRoot(rootfs, workdir), this.onHost({ uid: 0, gid: 0 }));
        const code = await this.builder.parts.runStep({ id, rootfs, bundle, config });
        if (code !== 0) throw new RuntimeError(`The command '${printable}' returned a non-zero code: ${code}`);
      });
      this.options.write(`Removing intermediate container ${shortId(id)}\n`);
      return this.withHistory(next, description, false);
    });
  }
  // #endregion run

  // #region copy
  private async copy(ins: Instruction): Promise<void> {
    const { from } = ins.flags;
    if (from) return this.withSourceImage(ins, from, (root) => this.copyFrom(ins, { root, ignored: NOTHING_IGNORED, image: true }));
    return this.copyFrom(ins, { root: this.contextDir, ignored: this.ignored, image: false });
  }

  private async copyFrom(ins: Instruction, source: CopySource): Promise<void> {
    const vars = this.vars();
    const words = ins.json ? ins.json.map((w) => expandWord(w, vars)) : splitWords(ins.args, vars);
    if (words.length < 2) throw new DockerfileError(ins.line, `${ins.keyword} requires at least two arguments`);
    const named = words.slice(0, -1);
    if (named.some((s) => /^https?:\/\//.test(s))) throw new InvalidArgumentError(`${ins.keyword} of a URL is not supported: this engine has no network access`);
    const sources = source.image ? named.map((s) => followInRoot(source.root, s)) : named;
    const workdir = this.state!.config.config?.WorkingDir || '/';
    const rawDest = words.at(-1)!;
    const dest = posix.resolve(workdir, rawDest) + (rawDest.endsWith('/') && rawDest !== '/' ? '/' : '');
    const files = this.collect(source, sources);
    const checksum = await checksumFiles(files, source.image);
    const chown = ins.flags.chown ? expandWord(ins.flags.chown, vars) : undefined;
    const firstIsDir = sources.length === 1 && sourceIsDirectory(source.root, sources[0]);
    const kind = sources.length > 1 ? 'multi' : firstIsDir ? 'dir' : files.length === 1 ? 'file' : 'multi';
    // Docker's row, down to the space it leaves out after --chown: `COPY --chown=1:1dir:… in /app `.
    const description = `${ins.keyword} ${chown ? `--chown=${chown}` : ''}${kind}:${checksum} in ${dest} `;
    // #endregion copy

    // #region copy-step
    await this.cachedStep(description, checksum, async (current) => {
      const next = await this.changeFilesystem(current, async (rootfs, bundle) => {
        // An image's files keep their owners, already as the host stores them; others are given the container's ids, shifted.
        const owner: Owner | 'preserve' = source.image && !chown ? 'preserve' : this.onHost(chown ? ownerOf(rootfs, chown) : { uid: 0, gid: 0 });
        const destIsDir = destinationIsDirectory(rootfs, dest, sources.length, firstIsDir);
        for (const file of files) {
          if (ins.keyword === 'ADD' && file.stats.isFile() && isArchive(file.hostPath)) {
            await this.extractArchive(file, rootfs, dest, bundle);
          } else {
            await copyIntoRootfs(rootfs, [file], dest, destIsDir, owner, this.onHost({ uid: 0, gid: 0 }));
          }
        }
        if (files.length === 0) await copyIntoRootfs(rootfs, [], dest, true, owner, this.onHost({ uid: 0, gid: 0 }));
      });
      return this.withHistory(next, `${shellOf(next.config)} #(nop) ${description}`, false);
    });
  }
  // #endregion copy-step

  // #region copy-collect
  private collect(source: CopySource, sources: string[]): ContextFile[] {
    try {
      return collectSources(source.root, source.ignored, sources);
    } catch (err) {
      if (err instanceof ContextError) throw err;
      throw new ContextError((err as Error).message);
    }
  }

  /** An owner in the image's ids as the snapshots store it: shifted into a remapped snapshotter's range (chapter 03's --userns-remap). */
  private onHost(owner: Owner): Owner {
    const idMap = this.builder.parts.snapshotter.idMap;
    return idMap ? ownerOnHost(idMap, owner) : owner;
  }

  /** ADD of a local tar: unpack into a scratch directory (safely), then copy its tree in, owners kept. */
  private async extractArchive(file: ContextFile, rootfs: string, dest: string, bundle: string): Promise<void> {
    const scratch = join(bundle, `add-${randomBytes(4).toString('hex')}`);
    await mkdir(scratch);
    try {
      await applyLayer(scratch, createReadStream(file.hostPath), this.builder.parts.snapshotter.idMap);
      const tree = listTree(scratch, '');
      await copyIntoRootfs(rootfs, tree, dest, true, 'preserve', this.onHost({ uid: 0, gid: 0 }));
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
  // #endregion copy-collect

  // #region copy-from
  /**
   * `COPY --from`: the files come out of an earlier stage's image, or out of
   * any image in the store, mounted as a read-only view for the step.
   */
  private async withSourceImage(ins: Instruction, from: string, use: (root: string) => Promise<void>): Promise<void> {
    const { root, images, snapshotter } = this.builder.parts;
    const stage = fromStage(this.build.staged.stages, this.stage!, ins);
    let top: LayerChainId | null;
    if (stage) {
      top = chainIds((await this.build.stageResult(stage)).config.rootfs.diff_ids).at(-1) ?? null;
    } else {
      const image = await storedImage(images, from, this.options.pull).catch((err: Error) => {
        throw new NotFoundError(`invalid from flag value ${from}: ${err.message}`);
      });
      top = await unpackImage(images, image, snapshotter);
    }
    const key = `from-${randomBytes(6).toString('hex')}`;
    const dir = join(root, 'build', key);
    await mkdir(dir, { recursive: true });
    try {
      mountRootfs(await snapshotter.view(key, top), dir);
      try {
        await use(dir);
      } finally {
        unmountRootfs(dir);
      }
    } finally {
      await snapshotter.remove(key).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    }
  }
  // #endregion copy-from

  // #region change-filesystem
  /**
   * The heart of a filesystem step: prepare a writable snapshot on the
   * current layers, mount it, let `change` work in it, then turn the upper
   * directory into a layer blob and commit the snapshot under its ChainID.
   * On any failure the active snapshot is removed: nothing half-made stays.
   */
  private async changeFilesystem(state: BuildState, change: (rootfs: string, bundle: string) => Promise<void>): Promise<BuildState> {
    const { root, images, snapshotter } = this.builder.parts;
    const parent: LayerChainId | null = chainIds(state.config.rootfs.diff_ids).at(-1) ?? null;
    const key = `build-${randomBytes(6).toString('hex')}`;
    const bundle = join(root, 'build', key);
    const rootfs = join(bundle, 'rootfs');
    await mkdir(rootfs, { recursive: true });
    let prepared = false;
    try {
      const mounts = await snapshotter.prepare(key, parent);
      prepared = true;
      mountRootfs(mounts, rootfs);
      try {
        const mountPoints = missingMountPoints(rootfs);
        await change(rootfs, bundle);
        tidyMountPoints(rootfs, mountPoints);
      } finally {
        unmountRootfs(rootfs);
      }

      // #endregion change-filesystem
      // #region change-commit
      // One diff: the snapshotter commits it and, through `tar`, it becomes the layer blob.
      const tar = new PassThrough();
      const storing = images.content.write(tar).catch((err: Error) => {
        tar.destroy(err);
        throw err;
      });
      const [committed, blob] = await Promise.all([commitLayer(snapshotter, key, tar), storing]);
      prepared = false;
      if (committed.diffId !== blob.digest) throw new DigestMismatchError(`layer digest mismatch: ${committed.diffId} != ${blob.digest}`);

      const config = structuredClone(state.config);
      config.rootfs = { type: 'layers', diff_ids: [...config.rootfs.diff_ids, committed.diffId] };
      const layer: Descriptor = { mediaType: MediaType.ociLayer, digest: blob.digest, size: blob.size };
      return { config, layers: [...state.layers, layer], id: state.id };
    } finally {
      if (prepared) await snapshotter.remove(key).catch(() => {});
      await rm(bundle, { recursive: true, force: true });
    }
  }
}
// #endregion change-commit

// #region copy-source
/** Where COPY takes its files: the build context, or an image (of a stage or the store) mounted read-only. */
interface CopySource {
  root: string;
  ignored: IgnoreRule;
  /** From an image: owners are kept (unless --chown), and links on a named path are followed, as Docker does. */
  image: boolean;
}

/** `.dockerignore` is the context's; an image hides nothing. */
const NOTHING_IGNORED = dockerignoreRule('');

/** A source named in an image, its links followed inside the image's root; wildcards are left to match. */
function followInRoot(root: string, source: string): string {
  return /[*?[]/.test(source) ? source : `/${relative(root, resolveInRoot(root, source))}`;
}
// #endregion copy-source

// #region base-images
/**
 * An image of the store by name. A miss is pulled when the builder was
 * given a way to (the daemon's registry client, as moby's legacy builder
 * does); without one it is final.
 */
async function storedImage(images: ImageStore, name: string, pull?: (name: string) => Promise<void>): Promise<ImageRecord> {
  const stored = await images.resolve(name).catch(() => undefined);
  if (stored) return stored;
  if (!pull) {
    throw new NotFoundError(`pull access denied for ${name}: this engine has no registry yet, and the image is not in the store: No such image: ${name}`);
  }
  await pull(name);
  return images.resolve(name);
}

/** `FROM scratch`: no layers, and Docker's default PATH. */
function scratchState(): BuildState {
  return {
    config: { architecture: 'amd64', os: 'linux', config: { Env: [DEFAULT_PATH] }, rootfs: { type: 'layers', diff_ids: [] }, history: [] },
    layers: [],
    id: 'scratch',
  };
}

/** The shell of shell forms, and of the `#(nop)` history rows: SHELL's, or `/bin/sh -c`. */
function shellOf(config: OciImageConfig): string {
  return (config.config?.Shell ?? DEFAULT_SHELL).join(' ');
}
// #endregion base-images

// #region legacy-rules
/** Go's `%q` of a list of strings, which CMD and ENTRYPOINT rows carry: `["sh" "-c" "echo hi"]`. */
function goQuoteList(words: string[]): string {
  return `[${words.map(goQuote).join(' ')}]`;
}

/** moby's signal.ParseSignal: a number other than 0, or a name with or without SIG, in any case. */
function checkStopSignal(signal: string): string {
  const valid = /^\d+$/.test(signal) ? Number(signal) !== 0 : isSignalName(signal);
  if (!valid) throw new InvalidArgumentError(`Invalid signal: ${signal}`);
  return signal;
}

function isSignalName(name: string): boolean {
  try {
    parseSignal(name);
    return true;
  } catch {
    return false;
  }
}
// #endregion legacy-rules

// #region mount-points
/**
 * The runtime creates mount points (/proc, /dev, /sys) that the image lacks;
 * they are not the step's doing, so they must not end up in its layer, just
 * as Docker keeps them in an "init" layer of their own.
 */
const RUNTIME_MOUNT_POINTS = ['proc', 'dev', 'sys'];

/** The runtime's mount points that the mounted snapshot at `rootfs` lacks. */
function missingMountPoints(rootfs: string): string[] {
  return RUNTIME_MOUNT_POINTS.filter((p) => !existsSync(join(rootfs, p)));
}

/**
 * Removes them again through the same mount, while empty: a name that only
 * the writable layer has goes without a whiteout (overlayfs(5)), and in copy
 * mode the mount is the copy itself.
 */
function tidyMountPoints(rootfs: string, created: string[]): void {
  for (const p of created) {
    const path = join(rootfs, p);
    try {
      const stats = lstatSync(path);
      if (stats.isDirectory() && readdirSync(path).length === 0) rmdirSync(path);
      else if (stats.isFile() && stats.size === 0) unlinkSync(path);
    } catch {
      // not there: nothing to tidy
    }
  }
}
// #endregion mount-points

// #region owner-archive
/** `--chown=user:group`, names resolved in the image being built. */
function ownerOf(rootfs: string, chown: string): Owner {
  const user = resolveUser(rootfs, chown);
  // "A username without groupname or a UID without GID will use the same numeric UID as the GID."
  return { uid: user.uid, gid: chown.includes(':') ? user.gid : user.uid };
}

/** ADD unpacks local tar archives, plain or gzip (Dockerfile reference, "ADD"). */
function isArchive(path: string): boolean {
  const head = Buffer.alloc(512);
  const fd = openSync(path, 'r');
  const n = readSync(fd, head, 0, 512, 0);
  closeSync(fd);
  if (detectCompression(head.subarray(0, n)) === 'gzip') return true;
  return n >= 262 && head.toString('latin1', 257, 262) === 'ustar';
}

function listTree(dir: string, prefix: string): ContextFile[] {
  const out: ContextFile[] = [];
  for (const name of readdirSync(join(dir, prefix)).sort()) {
    const rel = prefix ? `${prefix}/${name}` : name;
    const hostPath = join(dir, rel);
    const stats = lstatSync(hostPath);
    out.push({ hostPath, target: rel, stats });
    if (stats.isDirectory()) out.push(...listTree(dir, rel));
  }
  return out;
}
// #endregion owner-archive

// #region expose
/**
 * One word of EXPOSE as the ports it names, the way Docker reads it
 * (`PORT[-END][/PROTO]`, PROTO tcp, udp or sctp): `8080` is `8080/tcp`,
 * `53/UDP` is `53/udp`, `7000-7002` is three ports. Anything else is refused
 * with Docker's message rather than stored as a key no one can use.
 */
function exposedPorts(line: number, spec: string): string[] {
  const [range, proto = 'tcp', ...extra] = spec.split('/');
  const protocol = proto.toLowerCase();
  if (extra.length > 0 || !['tcp', 'udp', 'sctp'].includes(protocol)) throw new DockerfileError(line, `invalid proto: ${proto}`);
  const m = /^(\d+)(?:-(\d+))?$/.exec(range);
  const first = m ? Number(m[1]) : NaN;
  const last = m?.[2] === undefined ? first : Number(m[2]);
  if (!m || first > 65535 || last > 65535) throw new DockerfileError(line, `invalid containerPort: ${range}`);
  if (last < first) throw new DockerfileError(line, `invalid range specified for container port: ${range}`);
  return Array.from({ length: last - first + 1 }, (_, i) => `${first + i}/${protocol}`);
}
// #endregion expose
