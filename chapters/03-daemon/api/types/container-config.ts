// container-config.ts — the JSON of `POST /containers/create`, checked.

import * as v from 'valibot';
import { InvalidArgumentError } from '../../../01-namespaces/index.js';

// #region config-schema
const str = v.optional(v.nullable(v.string()));
const bool = v.optional(v.nullable(v.boolean()));
const int = v.optional(v.nullable(v.pipe(v.number(), v.integer())));
const strings = v.optional(v.nullable(v.array(v.string())));
/** Go's StrSlice: `"sh"` or `["sh", "-c", "…"]`. */
const strSlice = v.optional(v.nullable(v.union([v.string(), v.array(v.string())])));
const labels = v.optional(v.nullable(v.record(v.string(), v.string())));
const anyList = v.optional(v.nullable(v.array(v.any())));

export const ContainerConfigSchema = v.looseObject({
  Hostname: str, Domainname: str, User: str,
  AttachStdin: bool, AttachStdout: bool, AttachStderr: bool,
  Tty: bool, OpenStdin: bool, StdinOnce: bool,
  Env: strings, Cmd: strSlice, Entrypoint: strSlice, Image: str, WorkingDir: str,
  Labels: labels, StopSignal: str, StopTimeout: int,
  Volumes: v.optional(v.nullable(v.record(v.string(), v.any()))),
  ExposedPorts: v.optional(v.nullable(v.record(v.string(), v.any()))),
  NetworkDisabled: bool,
});
// #endregion config-schema

// #region host-config-schema
export const RestartPolicySchema = v.looseObject({ Name: str, MaximumRetryCount: int });

/** `--mount`: moby's mount.Mount, with the options of each type. */
export const MountSchema = v.looseObject({
  Type: str, Source: str, Target: str, ReadOnly: bool,
  BindOptions: v.optional(v.nullable(v.looseObject({ Propagation: str }))),
  VolumeOptions: v.optional(v.nullable(v.looseObject({
    NoCopy: bool, Labels: labels,
    DriverConfig: v.optional(v.nullable(v.looseObject({ Name: str, Options: labels }))),
  }))),
  TmpfsOptions: v.optional(v.nullable(v.looseObject({ SizeBytes: int, Mode: int }))),
});

export const HostConfigSchema = v.looseObject({
  Binds: strings, Mounts: v.optional(v.nullable(v.array(MountSchema))),
  NetworkMode: str, RestartPolicy: v.optional(v.nullable(RestartPolicySchema)), AutoRemove: bool,
  Memory: int, MemorySwap: int, MemoryReservation: int, NanoCpus: int, CpuShares: int, CpuPeriod: int, CpuQuota: int,
  PidsLimit: int, ReadonlyRootfs: bool, Privileged: bool, ConsoleSize: v.optional(v.nullable(v.array(v.number()))),
  CapAdd: strings, CapDrop: strings, SecurityOpt: strings, PortBindings: v.optional(v.nullable(v.record(v.string(), v.any()))),
  PublishAllPorts: bool, Dns: strings, DnsSearch: strings, DnsOptions: strings, ExtraHosts: strings,
  PidMode: str, IpcMode: str, UTSMode: str, UsernsMode: str, CgroupnsMode: str, Cgroup: str, CgroupParent: str,
  ShmSize: int, OomKillDisable: bool, Init: bool, Runtime: str, CpusetCpus: str, CpusetMems: str,
  Links: strings, VolumesFrom: strings, Devices: anyList, Ulimits: anyList,
  Sysctls: labels, Tmpfs: labels, LogConfig: v.optional(v.nullable(v.looseObject({ Type: str }))), BlkioWeight: int,
  MaskedPaths: strings, ReadonlyPaths: strings, GroupAdd: strings, OomScoreAdj: int,
  DeviceCgroupRules: strings, DeviceRequests: anyList, Capabilities: strings,
  BlkioWeightDevice: anyList, BlkioDeviceReadBps: anyList, BlkioDeviceWriteBps: anyList, BlkioDeviceReadIOps: anyList, BlkioDeviceWriteIOps: anyList,
  CpuRealtimePeriod: int, CpuRealtimeRuntime: int, KernelMemory: int, KernelMemoryTCP: int, MemorySwappiness: int,
  StorageOpt: labels, VolumeDriver: str, Isolation: str, CpuCount: int, CpuPercent: int, IOMaximumIOps: int, IOMaximumBandwidth: int,
});
// #endregion host-config-schema

// #region body-schemas
/** The create body: a Config with HostConfig and NetworkingConfig beside it (moby's ContainerConfigWrapper). */
export const CreateBodySchema = v.looseObject({
  ...ContainerConfigSchema.entries,
  HostConfig: v.optional(v.nullable(HostConfigSchema)),
  NetworkingConfig: v.optional(v.nullable(v.any())),
});

/** `POST /containers/{id}/exec` (moby's ExecConfig). */
export const ExecConfigSchema = v.looseObject({
  User: str, Privileged: bool, Tty: bool, ConsoleSize: v.optional(v.nullable(v.array(v.number()))),
  AttachStdin: bool, AttachStdout: bool, AttachStderr: bool, Detach: bool, DetachKeys: str,
  Env: strings, WorkingDir: str, Cmd: strings,
});

/** `POST /containers/{id}/update`: the resources, and the restart policy. */
export const UpdateConfigSchema = v.looseObject({
  Memory: int, MemorySwap: int, MemoryReservation: int, NanoCpus: int, CpuShares: int, CpuPeriod: int, CpuQuota: int,
  PidsLimit: int, CpusetCpus: str, CpusetMems: str, BlkioWeight: int, KernelMemory: int,
  RestartPolicy: v.optional(v.nullable(RestartPolicySchema)),
});

export type ContainerConfig = v.InferOutput<typeof ContainerConfigSchema>;
export type ExecConfig = v.InferOutput<typeof ExecConfigSchema>;
export type UpdateConfig = v.InferOutput<typeof UpdateConfigSchema>;
export type HostConfig = v.InferOutput<typeof HostConfigSchema>;
export type CreateBody = v.InferOutput<typeof CreateBodySchema>;
// #endregion body-schemas

// #region go-errors
const GO_TYPES: Record<string, string> = { string: 'string', number: 'int64', boolean: 'bool', Array: '[]string', Object: 'map[string]string' };

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}

/** Parses `input` with `schema`, or throws a 400 worded like Go's json.Unmarshal. */
export function checkJson<S extends v.GenericSchema>(schema: S, input: unknown, struct: string): v.InferOutput<S> {
  const result = v.safeParse(schema, input ?? {});
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = (issue.path ?? []).map((p) => String(p.key));
  const value = issue.path?.at(-1)?.value ?? input;
  const expected = String(issue.expected ?? '').replace(/[()]/g, '').split(' | ').map((e) => GO_TYPES[e] ?? e).at(-1);
  const field = path.length ? ` into Go struct field ${[struct, ...path.filter((p) => !/^\d+$/.test(p))].join('.')}` : ` into Go value of type ${struct}`;
  throw new InvalidArgumentError(`invalid JSON: json: cannot unmarshal ${jsonKind(value)}${field} of type ${expected}`);
}
// #endregion go-errors
