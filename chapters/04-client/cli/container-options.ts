// container-options.ts — `run`'s and `create`'s flags turned into the body of POST /containers/create.
//
// The daemon knows nothing of flags: `-e`, `-v`, `--memory 64m`, `--restart
// on-failure:3` are the client's to parse and check, into the fields of
// ContainerConfig and HostConfig (the docker CLI's cli/command/container/opts.go).
// A value that does not parse is refused here with docker's wording, before
// any request: `invalid argument "lots" for "-m, --memory" flag: …`, exit 125.

import { readFileSync } from 'node:fs';
import { FlagError, list, str, type Flags } from './cli.js';
import type { ContainerCreateRequest, Mount, RestartPolicy } from '../sdk/index.js';

// #region parse-values
/** `64m` → 67108864: docker's RAMInBytes, binary units, an optional `b`. */
export function parseBytes(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)(?:i?b)?$/i.exec(text.trim());
  if (!m) throw new FlagError(`invalid argument "${text}" for "${flag}" flag: invalid size: '${text}'`);
  return Math.floor(Number(m[1]) * 1024 ** ' kmgtp'.indexOf((m[2] || ' ').toLowerCase()));
}

/** `--cpus 1.5` → 1500000000 NanoCpus. */
export function parseCpus(text: string): number {
  const n = Number(text);
  if (!/^\d*\.?\d+$/.test(text) || !Number.isFinite(n)) throw new FlagError(`invalid argument "${text}" for "--cpus" flag: failed to parse ${text} as a rational number`);
  return Math.round(n * 1e9);
}

/** An integer flag, with Go's strconv wording for a bad one. */
export function parseInteger(text: string, flag: string): number {
  if (!/^-?\d+$/.test(text)) throw new FlagError(`invalid argument "${text}" for "${flag}" flag: strconv.ParseInt: parsing "${text}": invalid syntax`);
  return Number(text);
}

/** `no`, `always`, `unless-stopped`, `on-failure[:N]`. */
export function parseRestart(text: string): RestartPolicy {
  const [name, count] = text.split(':');
  if (!['no', 'always', 'unless-stopped', 'on-failure'].includes(name!) || (count !== undefined && (name !== 'on-failure' || !/^\d+$/.test(count)))) {
    throw new FlagError(`invalid restart policy format: ${text}`);
  }
  return { Name: name as RestartPolicy['Name'], MaximumRetryCount: count ? Number(count) : 0 };
}

// #endregion parse-values

// #region parse-env-mounts
/** `-e K=V` as is; a bare `-e K` takes K's value from this environment, or is left out. */
export function parseEnv(entries: string[], files: string[]): string[] {
  const fromFiles = files.flatMap((file) =>
    readFileSync(file, 'utf8').split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() && !l.trimStart().startsWith('#')));
  return [...fromFiles, ...entries].flatMap((entry) => {
    if (entry.includes('=')) return [entry];
    const value = process.env[entry];
    return value === undefined ? [] : [`${entry}=${value}`];
  });
}

/** `--mount type=bind,source=/a,target=/b,readonly`. */
export function parseMount(text: string): Mount {
  const mount: Mount = { Type: 'volume' };
  for (const field of text.split(',')) {
    const [key, value] = field.split('=', 2) as [string, string | undefined];
    switch (key.toLowerCase()) {
      case 'type': mount.Type = value as Mount['Type']; break;
      case 'source': case 'src': mount.Source = value; break;
      case 'target': case 'destination': case 'dst': mount.Target = value; break;
      case 'readonly': case 'ro': mount.ReadOnly = value === undefined || value === 'true' || value === '1'; break;
      case 'bind-propagation': mount.BindOptions = { Propagation: value }; break;
      case 'tmpfs-size': mount.TmpfsOptions = { ...mount.TmpfsOptions, SizeBytes: parseBytes(value ?? '', '--mount') }; break;
      default: throw new FlagError(`invalid argument "${text}" for "--mount" flag: unexpected key '${key}' in '${field}'`);
    }
  }
  if (!mount.Target) throw new FlagError(`invalid argument "${text}" for "--mount" flag: target is required`);
  return mount;
}
// #endregion parse-env-mounts

// #region create-request
/** The whole create body from the flags, the image and the command words. */
export function containerRequest(flags: Flags, image: string, command: string[], options: { detach: boolean; consoleSize?: [number, number] }): ContainerCreateRequest {
  const attach = list(flags.attach).map((s) => s.toLowerCase());
  const interactive = flags.interactive === true;
  const attachAll = !options.detach && attach.length === 0;
  const volumes = list(flags.volume);
  const entrypoint = str(flags.entrypoint);
  // Not a flag-parsing error: docker reports it as run's own failure (exit 125, no usage).
  if (flags.rm && str(flags.restart) && str(flags.restart) !== 'no') throw new Error('conflicting options: cannot specify both --restart and --rm');
  return {
    Hostname: str(flags.hostname) ?? '', User: str(flags.user) ?? '',
    AttachStdin: !options.detach && (interactive || attach.includes('stdin')),
    AttachStdout: attachAll || attach.includes('stdout'), AttachStderr: attachAll || attach.includes('stderr'),
    Tty: flags.tty === true, OpenStdin: interactive, StdinOnce: interactive && !options.detach,
    Env: parseEnv(list(flags.env), list(flags['env-file'])),
    Cmd: command.length ? command : null, Image: image,
    Volumes: Object.fromEntries(volumes.filter((v) => !v.includes(':')).map((v) => [v, {}])),
    WorkingDir: str(flags.workdir) ?? '',
    Entrypoint: entrypoint !== undefined ? [entrypoint] : null,
    Labels: Object.fromEntries(list(flags.label).map((l) => [l.split('=')[0]!, l.includes('=') ? l.slice(l.indexOf('=') + 1) : ''])),
    HostConfig: {
      Binds: volumes.filter((v) => v.includes(':')),
      Mounts: list(flags.mount).map(parseMount),
      NetworkMode: str(flags.network) ?? 'default',
      RestartPolicy: parseRestart(str(flags.restart) ?? 'no'),
      AutoRemove: flags.rm === true,
      ReadonlyRootfs: flags['read-only'] === true,
      Init: flags.init === true ? true : null,
      Memory: str(flags.memory) ? parseBytes(str(flags.memory)!, '-m, --memory') : 0,
      NanoCpus: str(flags.cpus) ? parseCpus(str(flags.cpus)!) : 0,
      PidsLimit: str(flags['pids-limit']) ? parseInteger(str(flags['pids-limit'])!, '--pids-limit') : null,
      ConsoleSize: options.consoleSize ?? [0, 0],
    },
    NetworkingConfig: { EndpointsConfig: {} },
  };
}
// #endregion create-request
