// volume-commands.ts — `skiff volume create|ls|inspect|rm|prune`.
//
// `volume inspect` differs from the other inspects in one detail a reader
// of both outputs sees: the docker CLI decodes each volume into its Go type
// and prints that, so the fields come in the type's (alphabetical) order
// and empty optional ones are left out, whatever order the daemon sent.

import { CliError, list, str, type Cli, type Flags } from './cli.js';
import { confirm, parseFilters } from './container-commands.js';
import { formatRows, humanSize, naturalLess } from './format.js';
import { inspectOutput } from './inspect.js';
import { keyValues } from './network-commands.js';
import type { Volume } from '../sdk/index.js';

// #region volume-create-ls
/** `skiff volume create [NAME]`: prints the volume's name, made up by the daemon when none is given. */
export async function create(cli: Cli, [name]: string[], flags: Flags): Promise<void> {
  if (name && str(flags.name)) throw new CliError('conflicting options: cannot specify a volume-name through both --name and as a positional arg', 1);
  const volume = await (await cli.engine()).volumes.create({
    Name: name ?? str(flags.name) ?? '', Driver: str(flags.driver) ?? 'local', DriverOpts: keyValues(list(flags.opt)), Labels: keyValues(list(flags.label)),
  });
  cli.out(`${volume.Name}\n`);
}

const VOLUME_HEADERS = { Name: 'VOLUME NAME', Driver: 'DRIVER', Scope: 'SCOPE', Mountpoint: 'MOUNTPOINT', Labels: 'LABELS', Links: 'LINKS', Size: 'SIZE', Group: 'GROUP', Availability: 'AVAILABILITY', Status: 'STATUS', Label: (key: string) => key };

/** One row of `volume ls`, in `{{json .}}`'s order; the cluster-volume columns are `N/A` on a single host. */
const volumeRow = (v: Volume) => ({
  Availability: 'N/A', Driver: v.Driver, Group: 'N/A', Labels: Object.entries(v.Labels ?? {}).map(([k, x]) => `${k}=${x}`).join(','),
  Links: v.UsageData ? String(v.UsageData.RefCount) : 'N/A', Mountpoint: v.Mountpoint, Name: v.Name, Scope: v.Scope,
  Size: v.UsageData ? humanSize(v.UsageData.Size, 4) : 'N/A', Status: 'N/A', Label: (key: string) => v.Labels?.[key] ?? '',
});

/** `skiff volume ls`: DRIVER and VOLUME NAME, sorted by name; `-f dangling=true` for those no container uses. */
export async function ls(cli: Cli, _: string[], flags: Flags): Promise<void> {
  const { Volumes } = await (await cli.engine()).volumes.list({ filters: parseFilters(list(flags.filter)) });
  let format = str(flags.format) || 'table';
  if (format === 'table') format = flags.quiet ? '{{.Name}}' : 'table {{.Driver}}\t{{.Name}}';
  const volumes = [...(Volumes ?? [])].sort((a, b) => (naturalLess(a.Name, b.Name) ? -1 : naturalLess(b.Name, a.Name) ? 1 : 0));
  cli.out(formatRows(format, volumes.map(volumeRow), VOLUME_HEADERS));
}
// #endregion volume-create-ls

// #region volume-inspect-rm
/** A map as Go's encoder writes it: keys sorted. */
const sorted = <T>(map: Record<string, T> | null | undefined) => map && Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : 1)));

/** A volume as the docker CLI re-encodes it: Go's field order, maps sorted, empty optional fields left out, `<>&` escaped. */
function goVolumeJson(v: Volume): string {
  const { CreatedAt, Driver, Labels, Mountpoint, Name, Options, Scope, Status, UsageData } = v;
  const fields = {
    CreatedAt: CreatedAt || undefined, Driver, Labels: sorted(Labels), Mountpoint, Name, Options: sorted(Options), Scope,
    Status: Status && Object.keys(Status).length ? sorted(Status) : undefined, UsageData: UsageData ?? undefined,
  };
  return JSON.stringify(fields).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}

/** `skiff volume inspect`. A template sees Go's values: a map the daemon sent as null is an empty map (`map[]`). */
export async function inspect(cli: Cli, names: string[], flags: Flags): Promise<void> {
  const engine = await cli.engine();
  const format = str(flags.format);
  const raws: string[] = [];
  const errors: string[] = [];
  for (const name of names) {
    try {
      const v = await engine.volumes.inspect(name);
      raws.push(format ? JSON.stringify({ ...v, Labels: v.Labels ?? {}, Options: v.Options ?? {} }) : goVolumeJson(v));
    } catch (error) {
      errors.push(`Error response from daemon: ${(error as Error).message}`);
    }
  }
  cli.out(inspectOutput(raws, format));
  if (errors.length) throw new CliError(errors.join('\n'), 1);
}

// #endregion volume-inspect-rm

// #region volume-rm
/** `skiff volume rm`: a volume in use stays, with the daemon's 409 message; every failure is listed after. */
export async function rm(cli: Cli, names: string[], flags: Flags): Promise<void> {
  const engine = await cli.engine();
  const errors: string[] = [];
  for (const name of names) {
    try {
      await engine.volumes.remove(name, { force: flags.force === true });
      cli.out(`${name}\n`);
    } catch (error) {
      errors.push(`Error response from daemon: ${(error as Error).message}`);
    }
  }
  if (errors.length) throw new CliError(errors.join('\n'), 1);
}
// #endregion volume-rm

// #region volume-prune
/** `skiff volume prune`: unused anonymous volumes; with -a every unused one (the API 1.42 filter `all`). */
export async function prune(cli: Cli, _: string[], flags: Flags): Promise<void> {
  const filters = parseFilters(list(flags.filter));
  if (flags.all) {
    if (filters.all) throw new CliError('conflicting options: cannot specify both --all and --filter all=1', 1);
    filters.all = ['true'];
  }
  const warning = `WARNING! This will remove ${flags.all ? 'all' : 'anonymous'} local volumes not used by at least one container.`;
  if (!(await confirm(cli, warning, flags.force === true))) return;
  const { VolumesDeleted, SpaceReclaimed } = await (await cli.engine()).volumes.prune({ filters });
  const deleted = VolumesDeleted ?? [];
  const lines = deleted.length ? `Deleted Volumes:\n${deleted.map((n) => `${n}\n`).join('')}\n` : '';
  cli.out(`${lines}Total reclaimed space: ${humanSize(deleted.length ? SpaceReclaimed : 0, 4)}\n`);
}
// #endregion volume-prune
