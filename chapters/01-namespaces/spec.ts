// spec.ts — the OCI runtime bundle's config.json, checked.
//
// A bundle is a directory with a root filesystem and a config.json that says
// how to run it (OCI runtime-spec `config.md` and `config-linux.md`). We
// describe the part of that document Skiff understands as a zod schema, so
// that one declaration gives us the TypeScript types and the validation, and
// a bad file is refused with one line naming the field at fault before a
// single namespace is made. Fields we do not use (seccomp, apparmor…) are
// kept but ignored, so that any bundle runc accepts parses here too.

import { z } from 'zod';
import { readConfigJson } from './bundle.js';
import { isCapabilityName } from './capabilities.js';
import { RLIMIT_NUMBERS } from './credentials.js';
import { RuntimeError } from './errors.js';

// #region process-schema
const capabilityList = z.array(
  z.string().refine((name): boolean => isCapabilityName(name), { error: (issue) => `unknown capability ${JSON.stringify(issue.input)}` }),
);

const processSchema = z.looseObject({
  terminal: z.boolean().optional(),
  consoleSize: z.object({ height: z.number().int(), width: z.number().int() }).optional(),
  user: z.looseObject({
    uid: z.number().int().nonnegative(),
    gid: z.number().int().nonnegative(),
    umask: z.number().int().optional(),
    additionalGids: z.array(z.number().int().nonnegative()).optional(),
  }),
  args: z.array(z.string()).min(1, { error: 'must name a program to run' }),
  env: z.array(z.string()).optional(),
  cwd: z.string().startsWith('/', { error: 'must be an absolute path' }),
  capabilities: z
    .looseObject({
      bounding: capabilityList.optional(),
      effective: capabilityList.optional(),
      permitted: capabilityList.optional(),
      inheritable: capabilityList.optional(),
      ambient: capabilityList.optional(),
    })
    .optional(),
  rlimits: z
    .array(
      z.object({
        type: z.string().refine((t) => t in RLIMIT_NUMBERS, { error: (issue) => `unknown rlimit ${JSON.stringify(issue.input)}` }),
        soft: z.number().int().nonnegative(),
        hard: z.number().int().nonnegative(),
      }),
    )
    .optional(),
  noNewPrivileges: z.boolean().optional(),
  oomScoreAdj: z.number().int().min(-1000).max(1000).optional(),
});
// #endregion process-schema

// #region linux-schema
/** The namespace kinds of config-linux.md; `user` and `time` parse, then are refused plainly. */
export const NAMESPACE_TYPES = ['pid', 'network', 'mount', 'ipc', 'uts', 'cgroup', 'user', 'time'] as const;

const namespaceSchema = z.object({
  type: z.enum(NAMESPACE_TYPES, { error: (issue) => `unknown namespace type ${JSON.stringify(issue.input)}` }),
  path: z.string().startsWith('/', { error: 'must be an absolute path' }).optional(),
});

const mountSchema = z.looseObject({
  destination: z.string().startsWith('/', { error: 'must be an absolute path' }),
  type: z.string().optional(),
  source: z.string().optional(),
  options: z.array(z.string()).optional(),
});

const deviceSchema = z.looseObject({
  type: z.enum(['c', 'b', 'u', 'p']),
  path: z.string().startsWith('/'),
  major: z.number().int().optional(),
  minor: z.number().int().optional(),
  fileMode: z.number().int().optional(),
  uid: z.number().int().optional(),
  gid: z.number().int().optional(),
});

const deviceRuleSchema = z.looseObject({
  allow: z.boolean(),
  type: z.enum(['a', 'c', 'b']).optional(),
  major: z.number().int().optional(),
  minor: z.number().int().optional(),
  access: z.string().regex(/^[rwm]*$/, { error: 'must be made of r, w and m' }).optional(),
});

const resourcesSchema = z.looseObject({
  devices: z.array(deviceRuleSchema).optional(),
  memory: z.looseObject({ limit: z.number().int().optional(), swap: z.number().int().optional() }).optional(),
  pids: z.looseObject({ limit: z.number().int() }).optional(),
  cpu: z
    .looseObject({
      shares: z.number().int().nonnegative().optional(),
      quota: z.number().int().optional(),
      period: z.number().int().nonnegative().optional(),
    })
    .optional(),
});

const linuxSchema = z.looseObject({
  namespaces: z.array(namespaceSchema).optional(),
  resources: resourcesSchema.optional(),
  cgroupsPath: z.string().optional(),
  devices: z.array(deviceSchema).optional(),
  maskedPaths: z.array(z.string()).optional(),
  readonlyPaths: z.array(z.string()).optional(),
  rootfsPropagation: z.string().optional(),
  sysctl: z.record(z.string(), z.string()).optional(),
});
// #endregion linux-schema

// #region spec-schema
const specSchema = z
  .looseObject({
    ociVersion: z.string(),
    process: processSchema,
    root: z.looseObject({ path: z.string().min(1), readonly: z.boolean().optional() }),
    hostname: z.string().optional(),
    mounts: z.array(mountSchema).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
    linux: linuxSchema.optional(),
  })
  .superRefine((spec, ctx) => {
    spec.linux?.namespaces?.forEach((ns, i) => {
      if (ns.type === 'user' || ns.type === 'time') {
        ctx.addIssue({
          code: 'custom',
          path: ['linux', 'namespaces', i, 'type'],
          message: `namespace type "${ns.type}" is not supported by skiff-runtime`,
        });
      }
    });
  });

export type Spec = z.infer<typeof specSchema>;
export type ProcessSpec = Spec['process'];
export type MountSpec = z.infer<typeof mountSchema>;
export type NamespaceSpec = z.infer<typeof namespaceSchema>;
export type NamespaceType = NamespaceSpec['type'];
export type DeviceSpec = z.infer<typeof deviceSchema>;
export type ResourcesSpec = z.infer<typeof resourcesSchema>;
export type DeviceRule = z.infer<typeof deviceRuleSchema>;
// #endregion spec-schema

// #region validate
/** `linux.namespaces[2].type` — the path of a field as a reader would write it. */
function fieldPath(path: PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i ? '.' : ''}${String(key)}`)).join('');
}

/** Checks a parsed config.json; throws a one-line RuntimeError naming the first bad field. */
export function validateSpec(json: unknown, source = 'config.json'): Spec {
  const result = specSchema.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = issue.path.length ? `${fieldPath(issue.path)}: ` : '';
  throw new RuntimeError(`${source}: ${where}${issue.message}`);
}

/** Reads and checks `<bundle>/config.json`. */
export function loadSpec(bundleDir: string): Spec {
  return validateSpec(readConfigJson(bundleDir));
}
// #endregion validate
