#!/usr/bin/env node
// main.ts — skiff-engine, a daemonless engine with the docker CLI's verbs.

import { createReadStream, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { InvalidArgumentError, NotFoundError, RuntimeError } from '../../01-namespaces/index.js';
import type { ContainerRecord } from './containers.js';
import { DEFAULT_ROOT, Engine, NoSuchImageError } from './engine.js';
import { ago, humanSize, table, truncate } from './format.js';
import { familiarRepository, type ImageRecord, outputPathProblem, parseReference, shortId } from '../store/index.js';
import { StartError } from './image-config.js';
import { checkWorkdir, parseEnv, parseMemory, parsePidsLimit, parseVolume } from './run-flags.js';
import { inspectImage, historyRows } from './inspect.js';

// #region program
const collect = (value: string, previous: string[]): string[] => [...previous, value];

const program = new Command('skiff-engine')
  .description('A daemonless container engine: build, store and run OCI images.')
  .option('--root <dir>', 'where images, layers and containers are kept (default: $SKIFF_ROOT or /var/lib/skiff)')
  .enablePositionalOptions()
  .showHelpAfterError(false)
  // Usage goes to stdout even when shown for a missing command, as `docker`
  // alone shows it; errors go to stderr in docker's wording.
  .configureOutput({
    writeErr: (text) => process.stdout.write(text),
    outputError: (text) => process.stderr.write(text.replace(/^error: /, 'Error: ')),
  })
  .exitOverride();

let engineInstance: Engine | undefined;
/** The engine over --root, opened on first use (so `--help` touches nothing). */
function engine(): Engine {
  const root = program.opts<{ root?: string }>().root ?? process.env.SKIFF_ROOT ?? DEFAULT_ROOT;
  engineInstance ??= new Engine(resolve(root));
  return engineInstance;
}

const out = (text: string): void => void process.stdout.write(text);
// #endregion program

// #region build-command
program
  .command('build')
  .description('build an image from a Dockerfile')
  .argument('<context>', 'the build context directory')
  .option('-t, --tag <name:tag>', 'name the image (repeatable)', collect, [])
  .option('-f, --file <Dockerfile>', 'the Dockerfile (default: CONTEXT/Dockerfile)')
  .option('--build-arg <KEY=VALUE>', 'set a build-time variable (repeatable)', collect, [])
  .option('--no-cache', 'do not use the build cache')
  .option('--target <stage>', 'build this stage of a multi-stage Dockerfile, not the last one')
  .option('-q, --quiet', 'print only the image id')
  .action(async (context: string, flags: { tag: string[]; file?: string; buildArg: string[]; cache: boolean; target?: string; quiet?: boolean }) => {
    const buildArgs: Record<string, string> = {};
    for (const pair of flags.buildArg) {
      const eq = pair.indexOf('=');
      if (eq < 0) {
        if (process.env[pair] !== undefined) buildArgs[pair] = process.env[pair]!;
      } else buildArgs[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    const image = await engine().build({
      contextDir: context,
      dockerfile: flags.file && resolve(flags.file),
      tags: flags.tag,
      buildArgs,
      noCache: !flags.cache,
      target: flags.target,
      write: flags.quiet ? () => {} : out,
    });
    if (flags.quiet) out(`${image.id}\n`);
  });
// #endregion build-command

// #region run-command
interface RunFlags {
  rm?: boolean;
  name?: string;
  env: string[];
  workdir?: string;
  user?: string;
  hostname?: string;
  volume: string[];
  memory?: string;
  pidsLimit?: string;
  entrypoint?: string;
  tty?: boolean;
  interactive?: boolean;
}

program
  .command('run')
  .description('run a command in a new container, in the foreground')
  .argument('<image>')
  .argument('[command...]', 'command and arguments, replacing the image\'s Cmd')
  .passThroughOptions()
  .option('--rm', 'remove the container when it exits')
  .option('--name <name>', 'name the container')
  .option('-e, --env <KEY=VALUE>', 'set an environment variable (repeatable)', collect, [])
  .option('-w, --workdir <dir>', 'working directory inside the container')
  .option('-u, --user <user[:group]>', 'user to run as')
  .option('-h, --hostname <name>', 'container hostname')
  .option('-v, --volume <HOST:CONTAINER[:ro]>', 'bind-mount a host path (repeatable)', collect, [])
  .option('-m, --memory <bytes>', 'memory limit, e.g. 64m')
  .option('--pids-limit <n>', 'maximum number of processes')
  .option('--entrypoint <program>', "replace the image's Entrypoint")
  .option('-t, --tty', 'allocate a pseudo-terminal')
  .option('-i, --interactive', 'keep stdin attached')
  // #endregion run-command
  // #region run-action
  .action(async (image: string, command: string[], flags: RunFlags) => {
    let code: number;
    try {
      code = await engine().run({
        image,
        name: flags.name,
        remove: flags.rm,
        interactive: flags.interactive,
        overrides: {
          cmd: command,
          entrypoint: flags.entrypoint,
          env: flags.env.map(parseEnv),
          workdir: flags.workdir ? checkWorkdir(flags.workdir) : undefined,
          user: flags.user,
          hostname: flags.hostname,
          tty: flags.tty,
          volumes: flags.volume.map(parseVolume),
          memory: flags.memory ? parseMemory(flags.memory) : undefined,
          pidsLimit: flags.pidsLimit === undefined ? undefined : parsePidsLimit(flags.pidsLimit),
        },
      });
    } catch (err) {
      if (err instanceof NoSuchImageError) {
        const ref = parseReference(image);
        process.stderr.write(`Unable to find image '${familiarRepository(ref)}:${ref.tag ?? 'latest'}' locally\n`);
      }
      throw new RuntimeError((err as Error).message, err instanceof StartError ? err.exitCode : 125);
    }
    process.exitCode = code;
  });
// #endregion run-action

// #region images-command
program
  .command('images')
  .description('list images')
  .argument('[repository]', 'only images of this repository[:tag]')
  .option('-q, --quiet', 'only image ids')
  .action(listImages);

async function listImages(repository: string | undefined, flags: { quiet?: boolean }): Promise<void> {
    const e = engine();
    let records = await e.images.list();
    if (repository) {
      const ref = parseReference(repository, { defaultTag: false });
      records = records.filter((r) => r.name !== '' && parseReference(r.name).path === ref.path && (!ref.tag || parseReference(r.name).tag === ref.tag));
    }
    records.sort((a, b) => (b.created ?? '').localeCompare(a.created ?? ''));
    if (flags.quiet) return out([...new Set(records.map((r) => shortId(r.id)))].map((id) => `${id}\n`).join(''));
    out(table(['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE'], records.map((r) => imageRow(e, r))));
}

function imageRow(e: Engine, r: ImageRecord): string[] {
  const ref = r.name ? parseReference(r.name) : undefined;
  return [ref ? familiarRepository(ref) : '<none>', ref?.tag ?? '<none>', shortId(r.id), ago(r.created), humanSize(e.unpackedSize(r))];
}
// #endregion images-command

// #region rmi-tag
program
  .command('rmi')
  .description('remove images')
  .argument('<image...>')
  .option('-f, --force', 'remove even if containers use it')
  .action(async (images: string[], flags: { force?: boolean }) => {
    let failed: Error | undefined;
    for (const image of images) {
      try {
        for (const item of await engine().removeImage(image, flags.force)) {
          out('Untagged' in item ? `Untagged: ${item.Untagged}\n` : `Deleted: ${item.Deleted}\n`);
        }
      } catch (err) {
        process.stderr.write(`Error: ${(err as Error).message}\n`);
        failed = err as Error;
      }
    }
    if (failed) throw new RuntimeError(''); // each failure is already said
  });

program
  .command('tag')
  .description('give an image another name')
  .argument('<source>')
  .argument('<target>')
  .action(async (source: string, target: string) => engine().tag(source, target));
// #endregion rmi-tag

// #region inspect-history
program
  .command('inspect')
  .description('show images as JSON, like docker image inspect')
  .argument('<image...>')
  .action(async (names: string[]) => {
    const e = engine();
    const found: unknown[] = [];
    let missing: string | undefined;
    for (const name of names) {
      try {
        found.push(await inspectImage(e, await e.findImage(name)));
      } catch (err) {
        if (!(err instanceof NoSuchImageError)) throw err;
        missing = err.message;
      }
    }
    out(`${JSON.stringify(found, null, 4)}\n`);
    if (missing) throw new NotFoundError(missing);
  });

program
  .command('history')
  .description('show the history of an image')
  .argument('<image>')
  .option('--no-trunc', 'do not truncate output')
  .action(async (name: string, flags: { trunc: boolean }) => {
    const e = engine();
    const rows = await historyRows(e, await e.findImage(name));
    out(table(
      ['IMAGE', 'CREATED', 'CREATED BY', 'SIZE', 'COMMENT'],
      rows.map((r) => [r.image, ago(r.created), flags.trunc ? truncate(r.createdBy, 45) : r.createdBy, humanSize(r.size), r.comment]),
    ));
  });
// #endregion inspect-history

// #region prune
const image = program.command('image').description('manage images');
image
  .command('prune')
  .description('remove unused images')
  .option('-a, --all', 'remove every image no container uses, not just untagged ones')
  .option('-f, --force', 'do not ask for confirmation')
  .action(async (flags: { all?: boolean; force?: boolean }) => {
    if (!flags.force) {
      const warning = flags.all
        ? 'WARNING! This will remove all images without at least one container associated to them.'
        : 'WARNING! This will remove all dangling images.';
      if (!(await confirm(`${warning}\nAre you sure you want to continue? [y/N] `))) return;
    }
    const { deleted, spaceReclaimed } = await engine().pruneImages(flags.all);
    if (deleted.length) {
      out('Deleted Images:\n');
      for (const item of deleted) out('Untagged' in item ? `untagged: ${item.Untagged}\n` : `deleted: ${item.Deleted}\n`);
      out('\n');
    }
    out(`Total reclaimed space: ${humanSize(spaceReclaimed)}\n`);
  });
image.command('ls').description('list images (same as images)').argument('[repository]').option('-q, --quiet', 'only image ids').action(listImages);

async function confirm(question: string): Promise<boolean> {
  process.stdout.write(question);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    if (Buffer.concat(chunks).includes(10)) break;
  }
  return /^y(es)?$/i.test(Buffer.concat(chunks).toString().split('\n')[0].trim());
}
// #endregion prune

// #region load-save
program
  .command('load')
  .description('load images from a docker save or OCI layout archive')
  .option('-i, --input <file>', 'read from this file instead of stdin')
  .option('-q, --quiet', 'print nothing')
  .action(async (flags: { input?: string; quiet?: boolean }) => {
    if (!flags.input && process.stdin.isTTY) throw new InvalidArgumentError('requested load from stdin, but stdin is empty');
    if (flags.input && !existsSync(flags.input)) throw new NotFoundError(`open ${flags.input}: no such file or directory`);
    const loaded = await engine().load(flags.input ? createReadStream(flags.input) : process.stdin);
    if (!flags.quiet) for (const l of loaded) out(l.name ? `Loaded image: ${l.name}\n` : `Loaded image ID: ${l.id}\n`);
  });

program
  .command('save')
  .description('save images to a docker save archive, or an OCI layout archive')
  .argument('<image...>')
  .option('-o, --output <file>', 'write to this file instead of stdout')
  .option('--format <format>', 'docker (what docker load reads) or oci (an OCI Image Layout)', 'docker')
  .action(async (images: string[], flags: { output?: string; format: string }) => {
    if (flags.format !== 'docker' && flags.format !== 'oci') {
      throw new InvalidArgumentError(`invalid format "${flags.format}": must be "docker" or "oci"`);
    }
    const format = flags.format;
    if (flags.output) {
      checkOutput(flags.output, 'failed to save image');
      return engine().save(images, resolve(flags.output), { format });
    }
    refuseTerminal();
    await engine().save(images, process.stdout, { format });
  });
// #endregion load-save

// #region import-export
program
  .command('import')
  .description('make an image from a root filesystem tarball (- for stdin)')
  .argument('<file>')
  .argument('[reference]', 'name:tag for the new image')
  .action(async (file: string, reference: string | undefined) => {
    if (file !== '-' && !existsSync(file)) throw new NotFoundError(`open ${file}: no such file or directory`);
    const image = await engine().importImage(file === '-' ? process.stdin : createReadStream(file), reference);
    out(`${image.id}\n`);
  });

program
  .command('export')
  .description("write a container's filesystem as a tar archive")
  .argument('<container>')
  .option('-o, --output <file>', 'write to this file instead of stdout')
  .action(async (container: string, flags: { output?: string }) => {
    if (flags.output) checkOutput(flags.output, 'failed to export container');
    else refuseTerminal();
    await engine().exportContainer(container, flags.output ? resolve(flags.output) : process.stdout);
  });

/** `-o FILE` in a directory that is not there fails before any work, as with docker (exit 1). */
function checkOutput(path: string, what: string): void {
  const problem = outputPathProblem(resolve(path));
  if (problem) throw new InvalidArgumentError(`${what}: ${problem}`);
}

function refuseTerminal(): void {
  if (process.stdout.isTTY) throw new InvalidArgumentError('cowardly refusing to save to a terminal. Use the -o flag or redirect');
}
// #endregion import-export

// #region ps
program
  .command('ps')
  .description('list containers')
  .option('-a, --all', 'show stopped containers too')
  .option('-q, --quiet', 'only container ids')
  .action(async (flags: { all?: boolean; quiet?: boolean }) => {
    const containers = (await engine().containers.list()).filter((c) => flags.all || c.status === 'running');
    if (flags.quiet) return out(containers.map((c) => `${shortId(c.id)}\n`).join(''));
    out(table(['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'], containers.map(containerRow)));
  });

function containerRow(c: ContainerRecord): string[] {
  const command = c.command.map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(' ');
  const status =
    c.status === 'running' ? `Up ${ago(c.startedAt).replace(/ ago$/, '')}`
      : c.status === 'exited' ? `Exited (${c.exitCode}) ${ago(c.finishedAt)}`
        : 'Created';
  return [shortId(c.id), c.image, `"${truncate(command, 20)}"`, ago(c.created), status, '', c.name];
}
// #endregion ps

// #region rm-commit
program
  .command('rm')
  .description('remove containers')
  .argument('<container...>')
  .option('-f, --force', 'kill a running container first')
  .option('-v, --volumes', 'remove the anonymous volumes of the container too')
  .action(async (containers: string[], flags: { force?: boolean; volumes?: boolean }) => {
    let failed = false;
    for (const c of containers) {
      try {
        await engine().containers.remove(c, { force: flags.force, volumes: flags.volumes });
        out(`${c}\n`);
      } catch (err) {
        process.stderr.write(`Error: ${(err as Error).message}\n`);
        failed = true;
      }
    }
    if (failed) throw new RuntimeError(''); // each failure is already said
  });

program
  .command('commit')
  .description("make an image from a container's changes")
  .argument('<container>')
  .argument('[reference]', 'name:tag for the new image')
  .action(async (container: string, reference: string | undefined) => {
    const image = await engine().commit(container, reference);
    out(`${image.id}\n`);
  });
// #endregion rm-commit

// #region usage-exit-codes
/**
 * Exit codes for command-line mistakes, as the docker CLI gives them: a
 * wrong or incomplete flag is 125, a wrong number of arguments or an unknown
 * command is 1, and asking for help is no mistake at all.
 */
function usageExitCode(err: CommanderError): number {
  switch (err.code) {
    case 'commander.help':
    case 'commander.helpDisplayed':
    case 'commander.version':
      return 0;
    case 'commander.unknownOption':
    case 'commander.optionMissingArgument':
    case 'commander.missingMandatoryOptionValue':
    case 'commander.invalidArgument':
      return 125;
    default:
      return 1;
  }
}
// #endregion usage-exit-codes

// #region parse
try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(usageExitCode(err));
  const message = err instanceof Error ? err.message : String(err);
  if (message) process.stderr.write(`Error: ${message}\n`);
  process.exitCode = err instanceof RuntimeError ? err.exitCode : 1;
}
// Leave at once: stdin may still be open, and nothing is left to do.
process.exit();
// #endregion parse
