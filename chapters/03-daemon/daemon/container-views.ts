// container-views.ts — a container as `docker inspect` and `docker ps` see it.

import type { Container } from './container.js';

// #region inspect-view
/** GET /containers/{id}/json: the fields `docker inspect` users read. */
export function inspectView(c: Container): Record<string, unknown> {
  const r = c.record;
  return {
    Id: r.ID, Created: r.Created, Path: r.Path, Args: r.Args, State: { ...r.State },
    Image: r.Image, ResolvConfPath: `${c.dir}/resolv.conf`, HostnamePath: `${c.dir}/hostname`, HostsPath: `${c.dir}/hosts`,
    LogPath: r.LogPath, Name: r.Name, RestartCount: r.RestartCount, Driver: 'overlay', Platform: 'linux',
    MountLabel: '', ProcessLabel: '', AppArmorProfile: '', ExecIDs: null,
    HostConfig: { ...r.HostConfig, LogConfig: { Type: 'json-file', Config: {} } },
    GraphDriver: { Name: 'overlay', Data: null },
    Mounts: r.Mounts,
    Config: { ...r.Config, AttachStdin: !!r.Config.AttachStdin, AttachStdout: !!r.Config.AttachStdout, AttachStderr: !!r.Config.AttachStderr },
    NetworkSettings: networkSettingsView(c),
  };
}

/** Endpoints without the host-side details the daemon keeps for itself; the default bridge's address also at the top, as Docker shows it. */
function networkSettingsView(c: Container): Record<string, unknown> {
  const settings = c.record.NetworkSettings ?? { Networks: {}, Ports: {} };
  const networks = Object.fromEntries(Object.entries(settings.Networks).map(([name, { HostInterface: _, ...e }]) => [name, { ...e, MacAddress: e.MacAddress, DriverOpts: null }]));
  const bridge = settings.Networks.bridge;
  return {
    Bridge: '', SandboxID: '', SandboxKey: c.state.Running ? `/proc/${c.state.Pid}/ns/net` : '', Ports: settings.Ports, Networks: networks,
    IPAddress: bridge?.IPAddress ?? '', IPPrefixLen: bridge?.IPPrefixLen ?? 0, Gateway: bridge?.Gateway ?? '', MacAddress: bridge?.MacAddress ?? '',
  };
}

/** `docker ps`'s PORTS: one entry per published binding, exposed-only ports without a public one. */
function portsSummary(c: Container): Record<string, unknown>[] {
  return Object.entries(c.record.NetworkSettings?.Ports ?? {}).flatMap(([key, list]) => {
    const [port = '0', type = 'tcp'] = key.split('/');
    if (!list) return [{ PrivatePort: Number(port), Type: type }];
    return list.map((b) => ({ IP: b.HostIp, PrivatePort: Number(port), PublicPort: Number(b.HostPort), Type: type }));
  });
}
// #endregion inspect-view

// #region summary-view
/** `Up 3 minutes`, `Exited (0) 2 seconds ago`, `Created` — the STATUS column. */
export function statusText(c: Container, now = Date.now()): string {
  const s = c.state;
  if (s.Status === 'removing') return 'Removal In Progress';
  if (s.Status === 'dead') return 'Dead';
  if (s.Running) return `Up ${humanDuration(now - Date.parse(s.StartedAt))}${s.Paused ? ' (Paused)' : ''}`;
  if (s.Restarting) return `Restarting (${s.ExitCode}) ${humanDuration(now - Date.parse(s.FinishedAt))} ago`;
  if (c.record.HasBeenStartedBefore || s.FinishedAt !== '0001-01-01T00:00:00Z') return `Exited (${s.ExitCode}) ${humanDuration(now - Date.parse(s.FinishedAt))} ago`;
  return 'Created';
}

/** Docker's go-units HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.round(seconds / 60);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(minutes / 60);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  return `${Math.round(hours / 24)} days`;
}

/** GET /containers/json: one row of `docker ps`. COMMAND quotes arguments with spaces. */
export function summaryView(c: Container, size?: { SizeRw: number; SizeRootFs: number }): Record<string, unknown> {
  const r = c.record;
  const command = [r.Path, ...r.Args].map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(' ');
  return {
    Id: r.ID, Names: [r.Name], Image: r.Config.Image, ImageID: r.Image, Command: command,
    Created: Math.floor(Date.parse(r.Created) / 1000), Ports: portsSummary(c), Labels: r.Config.Labels ?? {},
    State: r.State.Status, Status: statusText(c), HostConfig: { NetworkMode: r.HostConfig.NetworkMode },
    NetworkSettings: { Networks: (networkSettingsView(c) as { Networks: unknown }).Networks }, Mounts: r.Mounts,
    ...(size ?? {}),
  };
}
// #endregion summary-view
