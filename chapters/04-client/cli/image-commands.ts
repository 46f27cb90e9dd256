// image-commands.ts — images, build, pull, push, tag, rmi, history, load, save, import, commit, prune.

import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join, relative, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CliError, list, str, type Cli, type Flags } from './cli.js';
import { checkOutput, writeOutput } from './output-file.js';
import { confirm, parseFilters } from './container-commands.js';
import { allAuths, authFor, DOCKER_HUB, registryOf } from './credentials.js';
import { ago, formatRows, goTime, humanSize, shortId } from './format.js';
import { inspectOutput } from './inspect.js';
import { displayMessages } from './progress.js';
import { readAll, type EngineClient, type ImageSummary } from '../sdk/index.js';

// #region images
const IMAGE_HEADERS = {
  Containers: 'CONTAINERS', CreatedAt: 'CREATED AT', CreatedSince: 'CREATED', Digest: 'DIGEST', ID: 'IMAGE ID', Repository: 'REPOSITORY',
  SharedSize: 'SHARED SIZE', Size: 'SIZE', Tag: 'TAG', UniqueSize: 'UNIQUE SIZE', VirtualSize: 'VIRTUAL SIZE',
};

/** One row per name an image has (`<none>` for none), fields in `{{json .}}` order. */
function imageRows(image: ImageSummary, trunc: boolean, now: number) {
  const names = image.RepoTags?.filter((t) => t !== '<none>:<none>') ?? [];
  const digest = image.RepoDigests?.[0]?.split('@')[1] ?? '<none>';
  return (names.length ? names : ['<none>:<none>']).map((name) => {
    const at = name.lastIndexOf(':');
    return {
      Containers: image.Containers === -1 ? 'N/A' : String(image.Containers),
      CreatedAt: goTime(new Date(image.Created * 1000)),
      CreatedSince: ago(image.Created, now),
      Digest: digest,
      ID: trunc ? shortId(image.Id) : image.Id,
      Repository: name.slice(0, at),
      SharedSize: image.SharedSize === -1 ? 'N/A' : humanSize(image.SharedSize),
      Size: humanSize(image.Size),
      Tag: name.slice(at + 1),
      UniqueSize: image.SharedSize === -1 ? 'N/A' : humanSize(image.Size - image.SharedSize),
      VirtualSize: humanSize(image.Size),
    };
  });
}

/** `skiff images`: newest first, one row per tag. */
export async function images(cli: Cli, [reference]: string[], flags: Flags): Promise<void> {
  const engine = await cli.engine();
  const filters = parseFilters(list(flags.filter));
  if (reference) (filters.reference ??= []).push(reference);
  const all = await engine.images.list({ all: flags.all === true, filters, digests: flags.digests === true });
  const now = Date.now();
  const rows = all.sort((a, b) => b.Created - a.Created).flatMap((i) => imageRows(i, !flags['no-trunc'], now));
  let format = str(flags.format) ?? (flags.quiet ? '{{.ID}}' : `table {{.Repository}}\t{{.Tag}}${flags.digests ? '\t{{.Digest}}' : ''}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}`);
  if (format === 'table') format = 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';
  const unique = flags.quiet ? rows.filter((r, i) => rows.findIndex((x) => x.ID === r.ID) === i) : rows;
  cli.out(formatRows(format, unique, IMAGE_HEADERS));
}
// #endregion images

// #region build-context
/** The files of a build context, less those `.dockerignore` excludes (the Dockerfile and .dockerignore always go). */
async function contextFiles(dir: string, dockerfile: string): Promise<string[]> {
  const ignoreFile = join(dir, '.dockerignore');
  const patterns = existsSync(ignoreFile) ? readFileSync(ignoreFile, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')) : [];
  const dockerignore = (await import('@balena/dockerignore')).default as unknown as typeof import('@balena/dockerignore').default;
  const ignore = dockerignore({ ignorecase: false }).add(patterns);
  const files: string[] = [];
  const walk = (sub: string) => {
    for (const name of readdirSync(join(dir, sub)).sort()) {
      const path = sub ? `${sub}/${name}` : name;
      if (ignore.ignores(path) && path !== dockerfile && path !== '.dockerignore') continue;
      files.push(path);
      if (statSync(join(dir, path)).isDirectory() && !statSync(join(dir, path)).isSymbolicLink()) walk(path);
    }
  };
  walk('');
  return files;
}
// #endregion build-context

// #region build
/** `skiff build PATH`: the context as tar, the legacy builder's output as it comes, the id on -q. */
export async function build(cli: Cli, [path]: string[], flags: Flags): Promise<void> {
  const engine = await cli.engine();
  const dir = resolve(path!);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CliError(`unable to prepare context: path "${path}" not found`, 1);
  const dockerfile = str(flags.file) ? relative(dir, resolve(str(flags.file)!)) : 'Dockerfile';
  if (dockerfile.startsWith('..')) throw new CliError(`the Dockerfile (${str(flags.file)}) must be within the build context`, 1);
  const files = await contextFiles(dir, dockerfile);
  // --no-recursion: the list already names every file; GNU tar reads it NUL-separated from stdin.
  const tar = spawn('tar', ['-c', '-C', dir, '--no-recursion', '--null', '-T', '-'], { stdio: ['pipe', 'pipe', 'inherit'] });
  tar.stdin.end(files.map((f) => `${f}\0`).join(''));
  // Read at once: Node drains a child's unread stdout when the child exits.
  const context = await readAll(tar.stdout);
  if (!flags.quiet) cli.out(`Sending build context to Docker daemon  ${humanSize(context.length, 4)}\r\r\n`);
  const buildArgs = Object.fromEntries(list(flags['build-arg']).map((a) => (a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, process.env[a] ?? ''])));
  const labels = Object.fromEntries(list(flags.label).map((l) => [l.split('=')[0]!, l.slice(l.indexOf('=') + 1)]));
  const messages = engine.images.build(context, { tags: list(flags.tag), dockerfile, buildArgs, labels, noCache: flags['no-cache'] === true, quiet: flags.quiet === true, auths: allAuths() });
  // With -q the daemon itself sends nothing but the new image's id.
  await displayMessages(messages, process.stdout);
}

/** A writable that drops what it is given: -q prints nothing but the result. */
const devNull = () => ({ write: () => true, isTTY: false });
// #endregion build

// #region pull-push
/** Pulls `reference`, printing progress (to stderr when run does it), then the full name. */
export async function pullImage(cli: Cli, engine: EngineClient, reference: string, options: { quiet: boolean; toStderr?: boolean; platform?: string }): Promise<void> {
  const at = reference.lastIndexOf(':');
  const [name, tag] = at > reference.lastIndexOf('/') ? [reference.slice(0, at), reference.slice(at + 1)] : [reference, 'latest'];
  if (!options.toStderr && at <= reference.lastIndexOf('/')) cli.out('Using default tag: latest\n');
  const out = options.toStderr ? process.stderr : options.quiet ? devNull() : process.stdout;
  // The docker CLI asks for the normalised name (docker.io/library/busybox), and so do we.
  await displayMessages(engine.images.pull(fullName(name), tag, { platform: options.platform, auth: authFor(name) }), out);
  if (!options.toStderr) cli.out(`${fullName(name)}:${tag}\n`);
}

/** `busybox` → `docker.io/library/busybox`: the name Docker's reference grammar gives it. */
const fullName = (name: string) => (registryOf(name) !== DOCKER_HUB ? name : `docker.io/${name.includes('/') ? name : `library/${name}`}`);

export async function pull(cli: Cli, [reference]: string[], flags: Flags): Promise<void> {
  await pullImage(cli, await cli.engine(), reference!, { quiet: flags.quiet === true, platform: str(flags.platform) });
}

export async function push(cli: Cli, [reference]: string[], flags: Flags): Promise<void> {
  const engine = await cli.engine();
  const at = reference!.lastIndexOf(':');
  const [name, tag] = at > reference!.lastIndexOf('/') ? [reference!.slice(0, at), reference!.slice(at + 1)] : [reference!, 'latest'];
  cli.out(`The push refers to repository [${name}]\n`);
  // The login `skiff login` (or `docker login`) stored goes with it: the daemon holds none.
  await displayMessages(engine.images.push(name, tag, { auth: authFor(name) }), flags.quiet ? devNull() : process.stdout);
}
// #endregion pull-push

// #region tag-rmi-history
export async function tag(cli: Cli, [source, target]: string[]): Promise<void> {
  const at = target!.lastIndexOf(':');
  const [repo, version] = at > target!.lastIndexOf('/') ? [target!.slice(0, at), target!.slice(at + 1)] : [target!, 'latest'];
  await (await cli.engine()).images.tag(source!, { repo, tag: version });
}

/** `skiff rmi`: `Untagged: …` and `Deleted: …` lines; failures after, exit 1. */
export async function rmi(cli: Cli, names: string[], flags: Flags): Promise<void> {
  const engine = await cli.engine();
  const errors: string[] = [];
  for (const name of names) {
    try {
      const items = await engine.images.remove(name, { force: flags.force === true, noPrune: flags['no-prune'] === true });
      cli.out(items.map((i) => (i.Untagged ? `Untagged: ${i.Untagged}\n` : `Deleted: ${i.Deleted}\n`)).join(''));
    } catch (error) {
      errors.push(`Error response from daemon: ${(error as Error).message}`);
    }
  }
  if (errors.length) throw new CliError(errors.join('\n'), 1);
}

/** `skiff history`: one row per layer, newest first. */
export async function history(cli: Cli, [name]: string[], flags: Flags): Promise<void> {
  const items = await (await cli.engine()).images.history(name!);
  const trunc = !flags['no-trunc'];
  const now = Date.now();
  const rows = items.map((h) => {
    const createdBy = h.CreatedBy.replace(/\t/g, ' ');
    return {
      Comment: h.Comment, CreatedAt: new Date(h.Created * 1000).toISOString().replace(/\.\d+Z$/, 'Z'), CreatedBy: trunc && [...createdBy].length > 45 ? `${[...createdBy].slice(0, 44).join('')}…` : createdBy,
      CreatedSince: ago(h.Created, now), ID: h.Id === '<missing>' || !trunc ? h.Id : shortId(h.Id), Size: humanSize(h.Size), Tags: (h.Tags ?? []).join(', '),
    };
  });
  const format = str(flags.format) ?? (flags.quiet ? '{{.ID}}' : 'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}');
  cli.out(formatRows(format, rows, { ID: 'IMAGE', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', CreatedBy: 'CREATED BY', Size: 'SIZE', Comment: 'COMMENT', Tags: 'TAGS' }));
}
// #endregion tag-rmi-history

// #region archives
/** `skiff load`: a `docker save` archive from -i or stdin. */
export async function load(cli: Cli, _: string[], flags: Flags): Promise<void> {
  const input = str(flags.input);
  if (!input && process.stdin.isTTY) throw new CliError('requested load from stdin, but stdin is empty', 1);
  const body = input ? createReadStream(input) : process.stdin;
  await displayMessages((await cli.engine()).images.load(body, { quiet: flags.quiet === true }), process.stdout);
}

/** `skiff save`: images as a tar stream to -o or to a stdout that is not a terminal. */
export async function save(cli: Cli, names: string[], flags: Flags): Promise<void> {
  const output = str(flags.output);
  if (output) checkOutput(output, 'failed to save image');
  else if (process.stdout.isTTY) throw new CliError('cowardly refusing to save to a terminal. Use the -o flag or redirect', 1);
  const tar = await (await cli.engine()).images.save(names);
  await (output ? writeOutput(output, tar) : pipeline(tar, process.stdout));
}

/** `skiff import FILE|- [REPO[:TAG]]`: prints the new image's id. */
export async function importImage(cli: Cli, [source, reference]: string[], flags: Flags): Promise<void> {
  const body = source === '-' ? process.stdin : createReadStream(source!);
  const at = reference ? reference.lastIndexOf(':') : -1;
  const [repo, version] = !reference ? [undefined, undefined] : at > reference.lastIndexOf('/') ? [reference.slice(0, at), reference.slice(at + 1)] : [reference, undefined];
  const messages = (await cli.engine()).images.import(body, { repo, tag: version, message: str(flags.message), changes: list(flags.change) });
  for await (const m of messages) if (m.status) cli.out(`${m.status}\n`);
}

/** `skiff commit CONTAINER [REPO[:TAG]]`: prints the new image's id. */
export async function commit(cli: Cli, [container, reference]: string[], flags: Flags): Promise<void> {
  const at = reference ? reference.lastIndexOf(':') : -1;
  const [repo, version] = !reference ? [undefined, undefined] : at > reference.lastIndexOf('/') ? [reference.slice(0, at), reference.slice(at + 1)] : [reference, undefined];
  const { Id } = await (await cli.engine()).images.commit(container!, { repo, tag: version, comment: str(flags.message), author: str(flags.author), pause: flags.pause !== false, changes: list(flags.change) });
  cli.out(`${Id}\n`);
}
// #endregion archives

// #region image-prune-inspect
/** `skiff image prune`. */
export async function prune(cli: Cli, _: string[], flags: Flags): Promise<void> {
  const warning = flags.all ? 'WARNING! This will remove all images without at least one container associated to them.' : 'WARNING! This will remove all dangling images.';
  if (!(await confirm(cli, warning, flags.force === true))) return;
  const filters = { ...parseFilters(list(flags.filter)), ...(flags.all ? { dangling: ['false'] } : {}) };
  const result = await (await cli.engine()).images.prune({ filters });
  const deleted = result.ImagesDeleted ?? [];
  const lines = deleted.map((d) => (d.Untagged ? `untagged: ${d.Untagged}\n` : `deleted: ${d.Deleted}\n`)).join('');
  cli.out(`${deleted.length ? `Deleted Images:\n${lines}\n` : ''}Total reclaimed space: ${humanSize(result.SpaceReclaimed)}\n`);
}

/** `skiff image inspect`. */
export async function imageInspect(cli: Cli, names: string[], flags: Flags): Promise<void> {
  const engine = await cli.engine();
  const raws: string[] = [];
  const errors: string[] = [];
  for (const name of names) {
    try {
      raws.push((await readAll(await engine.api.request('GET', `/images/${name.split('/').map(encodeURIComponent).join('/')}/json`))).toString('utf8'));
    } catch (error) {
      errors.push(`Error: ${(error as Error).message}`);
    }
  }
  cli.out(inspectOutput(raws, str(flags.format)));
  if (errors.length) throw new CliError(errors.join('\n'), 1);
}
// #endregion image-prune-inspect
