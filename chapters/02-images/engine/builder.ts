// builder.ts — a Dockerfile, step by step, into an image.
//
// The legacy docker builder's loop, in miniature. The state between steps is
// an image: a config and a list of layers. Each instruction either edits the
// config (ENV, CMD, LABEL…: a history row marked `empty_layer`) or changes
// the filesystem (RUN, COPY, ADD): then a writable snapshot is prepared on
// top of the current layers, mounted with overlayfs, changed, and its upper
// directory, which holds exactly the step's changes, is written out as a new
// tar layer and committed as the snapshot of the new ChainID. Every step's
// result is remembered in the build cache, so an unchanged step costs a
// lookup.

import { randomBytes } from 'node:crypto';
import { closeSync, createReadStream, existsSync, lstatSync, openSync, readdirSync, readFileSync, readSync, rmdirSync, statSync, unlinkSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join, posix, relative, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { InvalidArgumentError, NotFoundError, resolveInRoot, RuntimeError } from '../../01-namespaces/index.js';
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
  applyLayer, chainIds, mountRootfs, unmountRootfs, type LayerChainId, type Mount, type Snapshotter, unpackImage,
} from '../layers/index.js';
import {
  detectCompression, DigestMismatchError, digestOf, encodeJson, familiarString, MediaType, parseReference, shortId,
  type ContainerConfig, type Descriptor, type ImageRecord, type ImageStore, type OciImageConfig,
} from '../store/index.js';
import { readDockerignore, type IgnoreRule } from './dockerignore.js';
import { DockerfileError, expandWord, keyValues, parseDockerfile, splitWords, type Instruction } from './dockerfile.js';
import { DEFAULT_PATH, resolveUser } from './image-config.js';

export interface BuildOptions {
  contextDir: string;
  /** The Dockerfile; default `Dockerfile` in the context. */
  dockerfile?: string;
  tags?: string[];
  buildArgs?: Record<string, string>;
  noCache?: boolean;
  /** Where the step-by-step progress goes. */
  write: (text: string) => void;
}

/** Runs one RUN step: a command in a container on the mounted rootfs; returns its exit code. */
export type StepRunner = (input: { id: string; rootfs: string; bundle: string; config: ContainerConfig }) => Promise<number>;

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

  // #region build-loop
  async build(options: BuildOptions): Promise<ImageRecord> {
    const contextDir = resolve(options.contextDir);
    if (!existsSync(contextDir) || !statSync(contextDir).isDirectory()) {
      throw new NotFoundError(`unable to prepare context: path ${JSON.stringify(options.contextDir)} not found`);
    }
    const dockerfilePath = resolve(contextDir, options.dockerfile ?? 'Dockerfile');
    if (!existsSync(dockerfilePath)) throw new NotFoundError(`Cannot locate specified Dockerfile: ${options.dockerfile ?? 'Dockerfile'}`);
    const instructions = parseDockerfile(readFileSync(dockerfilePath, 'utf8'));
    if (instructions.length === 0) {
      // Docker's words, naming the file as the context sees it.
      const name = relative(contextDir, dockerfilePath);
      throw new InvalidArgumentError(`the Dockerfile (${name.startsWith('..') ? options.dockerfile : name}) cannot be empty`);
    }
    const tags = (options.tags ?? []).map((t) => parseReference(t).full); // bad tags fail before any work

    const run = new BuildRun(this, contextDir, readDockerignore(contextDir), options);
    for (const [index, instruction] of instructions.entries()) {
      options.write(`Step ${index + 1}/${instructions.length} : ${instruction.text}\n`);
      try {
        await run.step(instruction);
      } catch (err) {
        if (err instanceof DockerfileError) throw err;
        throw new DockerfileError(instruction.line, (err as Error).message);
      }
    }
    const state = run.finalState();
    run.warnUnusedArgs();

    const image = await this.images.putImage({ config: state.config, layers: state.layers, ref: tags[0] });
    for (const tag of tags.slice(1)) await this.images.tag(image.id, tag);
    options.write(`Successfully built ${shortId(image.id)}\n`);
    for (const tag of tags) options.write(`Successfully tagged ${familiarString(parseReference(tag))}\n`);
    return image;
  }
  // #endregion build-loop

  /** Internals a BuildRun needs; kept on the Builder so the run stays a plain state machine. */
  get parts() {
    return { root: this.root, images: this.images, snapshotter: this.snapshotter, cache: this.cache, runStep: this.runStep };
  }
}

/** One build in progress: the image so far, the ARGs in scope, the cache switch. */
class BuildRun {
  private state: BuildState | null = null;
  private readonly globalArgs = new Map<string, string | undefined>();
  private readonly args = new Map<string, string | undefined>();
  private readonly usedBuildArgs = new Set<string>();
  private cmdSetHere = false;
  private useCache: boolean;

  constructor(
    private readonly builder: Builder,
    private readonly contextDir: string,
    private readonly ignored: IgnoreRule,
    private readonly options: BuildOptions,
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

  finalState(): BuildState {
    if (!this.state || (this.state.id === 'scratch' && this.state.layers.length === 0)) {
      throw new InvalidArgumentError('No image was generated. Is your Dockerfile empty?');
    }
    return this.state;
  }

  warnUnusedArgs(): void {
    const unused = Object.keys(this.options.buildArgs ?? {}).filter((k) => !this.usedBuildArgs.has(k));
    if (unused.length) this.options.write(`[Warning] One or more build-args [${unused.join(' ')}] were not consumed\n`);
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

  // #region from
  private async from(ins: Instruction): Promise<void> {
    const vars = new Map([...this.globalArgs].filter((e): e is [string, string] => e[1] !== undefined));
    const name = expandWord(splitWords(ins.args, vars)[0] ?? '', vars);
    const { images, snapshotter } = this.builder.parts;
    this.args.clear();
    if (name === 'scratch') {
      this.state = {
        config: { architecture: 'amd64', os: 'linux', config: { Env: [DEFAULT_PATH] }, rootfs: { type: 'layers', diff_ids: [] }, history: [] },
        layers: [],
        id: 'scratch',
      };
      this.options.write(' --->\n');
      return;
    }
    const image = await images.resolve(name).catch(() => {
      throw new NotFoundError(`pull access denied for ${name}: this engine has no registry yet, and the image is not in the store: No such image: ${name}`);
    });
    await unpackImage(images, image, snapshotter);
    const config: OciImageConfig = structuredClone(image.config);
    config.config ??= {};
    // The legacy builder's habit: an image without PATH gets Docker's default.
    if (!(config.config.Env ?? []).some((e) => e.startsWith('PATH='))) config.config.Env = [DEFAULT_PATH, ...(config.config.Env ?? [])];
    config.history ??= [];
    this.state = { config, layers: [...image.manifest.layers], id: image.id };
    this.options.write(` ---> ${shortId(image.id)}\n`);
  }
  // #endregion from

  private async arg(ins: Instruction): Promise<void> {
    const buildArgs = this.options.buildArgs ?? {};
    const scope = this.state ? this.args : this.globalArgs;
    const declared: Array<[string, string | undefined]> = [];
    for (const word of splitWords(ins.args, this.vars())) {
      const eq = word.indexOf('=');
      const name = eq < 0 ? word : word.slice(0, eq);
      let value = eq < 0 ? undefined : word.slice(eq + 1);
      if (name in buildArgs) {
        value = buildArgs[name];
        this.usedBuildArgs.add(name);
      } else if (value === undefined && this.state) {
        value = this.globalArgs.get(name); // `ARG NAME` after FROM re-imports a global ARG
      }
      scope.set(name, value);
      declared.push([name, value]);
    }
    if (!this.state) return;
    await this.commitMetadata(`ARG ${declared.map(([k, v]) => (v === undefined ? k : `${k}=${v}`)).join(' ')}`, () => {});
  }

  // #region metadata
  /** Instructions that only edit the config: a new config, an empty_layer history row. */
  private async metadata(ins: Instruction): Promise<void> {
    const vars = this.vars();
    const shell = (this.state!.config.config as { Shell?: string[] })?.Shell ?? DEFAULT_SHELL;
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
        return this.commitMetadata(`WORKDIR ${dir}`, (c) => void (c.WorkingDir = dir));
      }
      case 'USER': {
        const user = expandWord(ins.args, vars);
        return this.commitMetadata(`USER ${user}`, (c) => void (c.User = user));
      }
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
        return this.commitMetadata(`CMD ${JSON.stringify(cmd)}`, (c) => void (c.Cmd = cmd));
      }
      case 'ENTRYPOINT': {
        const entrypoint = ins.json ?? (ins.args ? [...shell, ins.args] : []);
        // An ENTRYPOINT resets a Cmd inherited from the base image (Dockerfile reference, "Understand how CMD and ENTRYPOINT interact").
        const resetCmd = !this.cmdSetHere;
        return this.commitMetadata(`ENTRYPOINT ${JSON.stringify(entrypoint)}`, (c) => {
          c.Entrypoint = entrypoint;
          if (resetCmd) c.Cmd = null;
        });
      }
      case 'SHELL': {
        if (!ins.json) throw new DockerfileError(ins.line, 'SHELL requires the arguments to be in JSON form');
        const shellArgs = ins.json;
        return this.commitMetadata(`SHELL ${JSON.stringify(shellArgs)}`, (c) => void ((c as { Shell?: string[] }).Shell = shellArgs));
      }
      case 'STOPSIGNAL': {
        const signal = expandWord(ins.args, vars);
        return this.commitMetadata(`STOPSIGNAL ${signal}`, (c) => void (c.StopSignal = signal));
      }
      case 'MAINTAINER': {
        const author = ins.args;
        return this.commitMetadata(`MAINTAINER ${author}`, (_c, image) => void (image.author = author));
      }
      default:
        throw new DockerfileError(ins.line, `unknown instruction: ${ins.keyword}`);
    }
  }

  /** Applies a config edit as a step of its own: cached, with a `#(nop)` history row. */
  private async commitMetadata(
    description: string,
    edit: (config: ContainerConfig, image: OciImageConfig) => void,
  ): Promise<void> {
    await this.cachedStep(description, '', async (state) => {
      const config = structuredClone(state.config);
      config.config ??= {};
      edit(config.config, config);
      return this.withHistory({ ...state, config }, `/bin/sh -c #(nop)  ${description}`, true);
    });
  }
  // #endregion metadata

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
  // #endregion cached-step

  // #region run
  private async run(ins: Instruction): Promise<void> {
    const state = this.state!;
    const shell = (state.config.config as { Shell?: string[] })?.Shell ?? DEFAULT_SHELL;
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
        await mkdir(resolveInRoot(rootfs, workdir), { recursive: true });
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
    const vars = this.vars();
    const words = ins.json ? ins.json.map((w) => expandWord(w, vars)) : splitWords(ins.args, vars);
    if (ins.flags.from) throw new DockerfileError(ins.line, `${ins.keyword} --from (multi-stage builds) is not supported yet`);
    if (words.length < 2) throw new DockerfileError(ins.line, `${ins.keyword} requires at least two arguments`);
    const sources = words.slice(0, -1);
    if (sources.some((s) => /^https?:\/\//.test(s))) throw new InvalidArgumentError(`${ins.keyword} of a URL is not supported: this engine has no network access`);
    const workdir = this.state!.config.config?.WorkingDir || '/';
    const rawDest = words.at(-1)!;
    const dest = posix.resolve(workdir, rawDest) + (rawDest.endsWith('/') && rawDest !== '/' ? '/' : '');
    const files = this.collect(sources);
    const checksum = await checksumFiles(files);
    const chown = ins.flags.chown ? expandWord(ins.flags.chown, vars) : undefined;
    const kind = files.length === 1 && !files[0].stats.isDirectory() ? 'file' : sources.length > 1 ? 'multi' : 'dir';
    const description = `${ins.keyword}${chown ? ` --chown=${chown}` : ''} ${kind}:${checksum} in ${dest} `;

    await this.cachedStep(description, checksum, async (current) => {
      const next = await this.changeFilesystem(current, async (rootfs, bundle) => {
        const owner: Owner = chown ? ownerOf(rootfs, chown) : { uid: 0, gid: 0 };
        const firstIsDir = sources.length === 1 && sourceIsDirectory(this.contextDir, sources[0]);
        const destIsDir = destinationIsDirectory(rootfs, dest, sources.length, firstIsDir);
        for (const file of files) {
          if (ins.keyword === 'ADD' && file.stats.isFile() && isArchive(file.hostPath)) {
            await this.extractArchive(file, rootfs, dest, bundle);
          } else {
            await copyIntoRootfs(rootfs, [file], dest, destIsDir, owner);
          }
        }
        if (files.length === 0) await copyIntoRootfs(rootfs, [], dest, true, owner);
      });
      return this.withHistory(next, `/bin/sh -c #(nop) ${description}`, false);
    });
  }

  private collect(sources: string[]): ContextFile[] {
    try {
      return collectSources(this.contextDir, this.ignored, sources);
    } catch (err) {
      if (err instanceof ContextError) throw err;
      throw new ContextError((err as Error).message);
    }
  }

  /** ADD of a local tar: unpack into a scratch directory (safely), then copy its tree in, owners kept. */
  private async extractArchive(file: ContextFile, rootfs: string, dest: string, bundle: string): Promise<void> {
    const scratch = join(bundle, `add-${randomBytes(4).toString('hex')}`);
    await mkdir(scratch);
    try {
      await applyLayer(scratch, createReadStream(file.hostPath));
      const tree = listTree(scratch, '');
      await copyIntoRootfs(rootfs, tree, dest, true, 'preserve');
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
  // #endregion copy

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
      const mountPoints = missingMountPoints(mounts);
      mountRootfs(mounts, rootfs);
      try {
        await change(rootfs, bundle);
      } finally {
        unmountRootfs(rootfs);
      }
      tidyMountPoints(upperDirOf(mounts), mountPoints);

      // One diff: the snapshotter commits it and, through `tar`, it becomes the layer blob.
      const tar = new PassThrough();
      const storing = images.content.write(tar).catch((err: Error) => {
        tar.destroy(err);
        throw err;
      });
      const [committed, blob] = await Promise.all([snapshotter.commit(key, tar), storing]);
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
  // #endregion change-filesystem
}

/** Where a prepared snapshot's writes land: overlay's upperdir, or the bound directory. */
export function upperDirOf(mounts: readonly Mount[]): string {
  for (const m of mounts) {
    const upper = m.options.find((o) => o.startsWith('upperdir='));
    if (upper) return upper.slice('upperdir='.length);
  }
  const bind = mounts.find((m) => m.type === 'bind');
  if (bind) return bind.source;
  throw new RuntimeError('snapshot has no writable directory');
}

/**
 * The runtime creates mount points (/proc, /dev, /sys) that the image lacks;
 * they are not the step's doing, so they must not end up in its layer, just
 * as Docker keeps them in an "init" layer of their own.
 */
const RUNTIME_MOUNT_POINTS = ['proc', 'dev', 'sys'];

function missingMountPoints(mounts: readonly Mount[]): string[] {
  const lowers = mounts.flatMap((m) => m.options.filter((o) => o.startsWith('lowerdir=')).flatMap((o) => o.slice(9).split(':')));
  const upper = upperDirOf(mounts);
  return RUNTIME_MOUNT_POINTS.filter((p) => ![upper, ...lowers].some((dir) => existsSync(join(dir, p))));
}

function tidyMountPoints(upper: string, created: string[]): void {
  for (const p of created) {
    const path = join(upper, p);
    try {
      const stats = lstatSync(path);
      if (stats.isDirectory() && readdirSync(path).length === 0) rmdirSync(path);
      else if (stats.isFile() && stats.size === 0) unlinkSync(path);
    } catch {
      // not there: nothing to tidy
    }
  }
}

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
