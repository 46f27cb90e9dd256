// spec.ts — the OCI runtime bundle's config.json, checked (runtime-spec `config.md`, `config-linux.md`).

import * as v from 'valibot';
import { readConfigJson } from './bundle.js';
import { isCapabilityName } from './capabilities.js';
import { RLIMIT_NUMBERS } from './credentials.js';
import { InvalidArgumentError } from './errors.js';
import { notApplied } from './not-applied.js';
import { seccompSchema } from './seccomp/index.js';

// #region schema-basics
const integer = v.pipe(v.number(), v.integer());
const nonNegative = v.pipe(v.number(), v.integer(), v.minValue(0));
const absolutePath = v.pipe(v.string(), v.startsWith('/', 'must be an absolute path'));

const capabilityList = v.array(
  v.pipe(v.string(), v.check(isCapabilityName, (issue) => `unknown capability ${JSON.stringify(issue.input)}`)),
);
// #endregion schema-basics

// #region process-schema
const processSchema = v.looseObject({
  terminal: v.optional(v.boolean()),
  consoleSize: v.optional(v.object({ height: integer, width: integer })),
  user: v.looseObject({
    uid: nonNegative,
    gid: nonNegative,
    umask: v.optional(integer),
    additionalGids: v.optional(v.array(nonNegative)),
    username: notApplied('a Windows field'),
  }),
  args: v.pipe(v.array(v.string()), v.minLength(1, 'must name a program to run')),
  env: v.optional(v.array(v.string())),
  cwd: absolutePath,
  capabilities: v.optional(
    v.looseObject({
      bounding: v.optional(capabilityList),
      effective: v.optional(capabilityList),
      permitted: v.optional(capabilityList),
      inheritable: v.optional(capabilityList),
      ambient: v.optional(capabilityList),
    }),
  ),
  rlimits: v.optional(
    v.array(
      v.object({
        type: v.pipe(v.string(), v.check((t) => t in RLIMIT_NUMBERS, (issue) => `unknown rlimit ${JSON.stringify(issue.input)}`)),
        soft: nonNegative,
        hard: nonNegative,
      }),
    ),
  ),
  noNewPrivileges: v.optional(v.boolean()),
  oomScoreAdj: v.optional(v.pipe(integer, v.minValue(-1000), v.maxValue(1000))),
  apparmorProfile: notApplied('AppArmor profiles are not loaded'),
  selinuxLabel: notApplied('SELinux labels are not set'),
  scheduler: notApplied('scheduling policies are not set'),
  ioPriority: notApplied('I/O priorities are not set'),
  execCPUAffinity: notApplied('CPU affinities are not set'),
  commandLine: notApplied('a Windows field'),
});
// #endregion process-schema

// #region namespace-schema
/** The namespace kinds of config-linux.md; `time` parses, then is refused plainly. */
export const NAMESPACE_TYPES = ['pid', 'network', 'mount', 'ipc', 'uts', 'cgroup', 'user', 'time'] as const;

const namespaceSchema = v.object({
  type: v.pipe(
    v.picklist(NAMESPACE_TYPES, (issue) => `unknown namespace type ${JSON.stringify(issue.input)}`),
    v.check((type) => type !== 'time', (issue) => `namespace type "${issue.input}" is not supported by skiff-runtime`),
  ),
  path: v.optional(absolutePath),
});

/** The first namespace type listed twice, if any: a process has one namespace of each kind. */
function duplicatedType(namespaces: readonly { type: string }[]): string | undefined {
  const seen = new Set<string>();
  return namespaces.map((ns) => ns.type).find((type) => seen.size === seen.add(type).size);
}

const namespaceList = v.pipe(
  v.array(namespaceSchema),
  v.check((list) => duplicatedType(list) === undefined, (issue) => `namespace type "${duplicatedType(issue.input as { type: string }[])}" is listed twice`),
);

/** One line of /proc/PID/uid_map or gid_map: `size` ids from `containerID` on are `hostID` on. */
const idMapping = v.object({ containerID: nonNegative, hostID: nonNegative, size: v.pipe(integer, v.minValue(1)) });
// #endregion namespace-schema

// #region mount-device-schema
const mountSchema = v.looseObject({
  destination: absolutePath,
  type: v.optional(v.string()),
  source: v.optional(v.string()),
  options: v.optional(v.array(v.string())),
  uidMappings: notApplied('ID-mapped mounts are not made'),
  gidMappings: notApplied('ID-mapped mounts are not made'),
});

const deviceSchema = v.looseObject({
  type: v.picklist(['c', 'b', 'u', 'p']),
  path: absolutePath,
  major: v.optional(integer),
  minor: v.optional(integer),
  fileMode: v.optional(integer),
  uid: v.optional(integer),
  gid: v.optional(integer),
});

const deviceRuleSchema = v.looseObject({
  allow: v.boolean(),
  type: v.optional(v.picklist(['a', 'c', 'b'])),
  major: v.optional(integer),
  minor: v.optional(integer),
  access: v.optional(v.pipe(v.string(), v.regex(/^[rwm]*$/, 'must be made of r, w and m'))),
});
// #endregion mount-device-schema

// #region hooks-schema
/** A program to run at a moment of the lifecycle: config.md, "POSIX-platform Hooks". */
const hookSchema = v.looseObject({
  path: absolutePath,
  args: v.optional(v.array(v.string())),
  env: v.optional(v.array(v.pipe(v.string(), v.includes('=', 'must be NAME=value')))),
  timeout: v.optional(v.pipe(integer, v.minValue(1, 'must be greater than zero'))),
});

const hookList = v.optional(v.array(hookSchema));
const hooksSchema = v.looseObject({
  prestart: hookList,
  createRuntime: hookList,
  createContainer: hookList,
  startContainer: hookList,
  poststart: hookList,
  poststop: hookList,
});
// #endregion hooks-schema

// #region linux-schema
const memorySchema = v.looseObject({
  limit: v.optional(integer),
  swap: v.optional(integer),
  reservation: v.optional(integer),
  kernel: notApplied('kernel memory limits are gone from the kernel since Linux 5.4'),
  kernelTCP: notApplied('kernel TCP memory limits are not set'),
  swappiness: v.optional(v.pipe(nonNegative, v.maxValue(100))),
  disableOOMKiller: v.optional(v.boolean()),
  useHierarchy: notApplied('memory hierarchy settings are not set'),
  checkBeforeUpdate: notApplied('skiff-runtime has no update command'),
});

const cpuSchema = v.looseObject({
  shares: v.optional(nonNegative),
  quota: v.optional(integer),
  period: v.optional(nonNegative),
  burst: notApplied('CPU bursts are not set'),
  realtimeRuntime: notApplied('real-time CPU time is not set'),
  realtimePeriod: notApplied('real-time CPU time is not set'),
  cpus: v.optional(v.pipe(v.string(), v.regex(/^[\d,-]*$/, 'must be a list like 0-2,4'))),
  mems: v.optional(v.pipe(v.string(), v.regex(/^[\d,-]*$/, 'must be a list like 0-2,4'))),
  idle: notApplied('SCHED_IDLE cgroups are not set'),
});

// #endregion linux-schema

// #region rare-resources-schema
/** config-linux.md, "Block IO", "HugePage limits", "Network". */
const deviceRate = v.looseObject({ major: integer, minor: integer, rate: nonNegative });
const blkioWeight = v.pipe(integer, v.minValue(10), v.maxValue(1000));
const blockIOSchema = v.looseObject({
  weight: v.optional(blkioWeight),
  leafWeight: v.optional(blkioWeight),
  weightDevice: v.optional(v.array(v.looseObject({ major: integer, minor: integer, weight: v.optional(blkioWeight), leafWeight: v.optional(blkioWeight) }))),
  throttleReadBpsDevice: v.optional(v.array(deviceRate)),
  throttleWriteBpsDevice: v.optional(v.array(deviceRate)),
  throttleReadIOPSDevice: v.optional(v.array(deviceRate)),
  throttleWriteIOPSDevice: v.optional(v.array(deviceRate)),
});
const hugepageLimitSchema = v.looseObject({ pageSize: v.pipe(v.string(), v.regex(/^\d+[KMG]B$/, 'must be a size like 2MB')), limit: nonNegative });
const networkSchema = v.looseObject({
  classID: v.optional(nonNegative),
  priorities: v.optional(v.array(v.looseObject({ name: v.pipe(v.string(), v.regex(/^[^\s/]+$/, 'must be an interface name')), priority: nonNegative }))),
});
// #endregion rare-resources-schema

// #region resources-schema
const resourcesSchema = v.looseObject({
  devices: v.optional(v.array(deviceRuleSchema)),
  memory: v.optional(memorySchema),
  pids: v.optional(v.looseObject({ limit: integer })),
  cpu: v.optional(cpuSchema),
  blockIO: v.optional(blockIOSchema),
  hugepageLimits: v.optional(v.array(hugepageLimitSchema)),
  network: v.optional(networkSchema),
  rdma: notApplied('RDMA limits are not set'),
  unified: notApplied('raw cgroup v2 files are not written'),
});

const linuxSchema = v.looseObject({
  namespaces: v.optional(namespaceList),
  resources: v.optional(resourcesSchema),
  cgroupsPath: v.optional(v.string()),
  devices: v.optional(v.array(deviceSchema)),
  maskedPaths: v.optional(v.array(v.string())),
  readonlyPaths: v.optional(v.array(v.string())),
  rootfsPropagation: v.optional(v.picklist(['private', 'rprivate', 'slave', 'rslave', 'shared', 'rshared', 'unbindable', 'runbindable'])),
  sysctl: v.optional(v.record(v.string(), v.string())),
  seccomp: v.optional(seccompSchema),
  uidMappings: v.optional(v.array(idMapping)),
  gidMappings: v.optional(v.array(idMapping)),
  timeOffsets: notApplied('time namespaces are not made'),
  mountLabel: notApplied('SELinux labels are not set'),
  intelRdt: notApplied('Intel RDT is not set'),
  personality: notApplied('execution domains are not set'),
  netDevices: notApplied('network devices are not moved into the container'),
  memoryPolicy: notApplied('NUMA memory policies are not set'),
});
// #endregion resources-schema

// #region spec-schema
const specSchema = v.looseObject({
  ociVersion: v.string(),
  process: processSchema,
  root: v.looseObject({ path: v.pipe(v.string(), v.minLength(1)), readonly: v.optional(v.boolean()) }),
  hostname: v.optional(v.string()),
  domainname: v.optional(v.string()),
  mounts: v.optional(v.array(mountSchema)),
  annotations: v.optional(v.record(v.string(), v.string())),
  linux: v.optional(linuxSchema),
  hooks: v.optional(hooksSchema),
  windows: notApplied('a Windows container is not run on Linux'),
  solaris: notApplied('a Solaris container is not run on Linux'),
  vm: notApplied('virtual machines are not started'),
  zos: notApplied('a z/OS container is not run on Linux'),
});

export type Spec = v.InferOutput<typeof specSchema>;
export type ProcessSpec = Spec['process'];
export type MountSpec = v.InferOutput<typeof mountSchema>;
export type NamespaceSpec = v.InferOutput<typeof namespaceSchema>;
export type NamespaceType = NamespaceSpec['type'];
export type DeviceSpec = v.InferOutput<typeof deviceSchema>;
export type ResourcesSpec = v.InferOutput<typeof resourcesSchema>;
export type DeviceRule = v.InferOutput<typeof deviceRuleSchema>;
export type IdMapping = v.InferOutput<typeof idMapping>;
export type HookSpec = v.InferOutput<typeof hookSchema>;
export type HookName = 'prestart' | 'createRuntime' | 'createContainer' | 'startContainer' | 'poststart' | 'poststop';
// #endregion spec-schema

// #region validate
/** `linux.namespaces[2].type` — the path of a field as a reader would write it. */
function fieldPath(path: readonly { key: unknown }[]): string {
  return path.map(({ key }, i) => (typeof key === 'number' ? `[${key}]` : `${i ? '.' : ''}${String(key)}`)).join('');
}

/** Checks a parsed config.json; throws a one-line InvalidArgumentError naming the first bad field. */
export function validateSpec(json: unknown, source = 'config.json'): Spec {
  const result = v.safeParse(specSchema, json, { abortEarly: true });
  if (result.success) return result.output;
  const issue = result.issues[0];
  const where = issue.path?.length ? `${fieldPath(issue.path)}: ` : '';
  throw new InvalidArgumentError(`${source}: ${where}${issue.message}`);
}

/** Reads and checks `<bundle>/config.json`. */
export function loadSpec(bundleDir: string): Spec {
  return validateSpec(readConfigJson(bundleDir));
}
// #endregion validate
