// profile.ts — linux.seccomp of config.json, checked: what a profile may say.

import * as v from 'valibot';
import { RuntimeError } from '../errors.js';
import { RET } from './bpf.js';

// #region actions
/** The actions of OCI runtime-spec config-linux.md#seccomp, as the kernel's verdicts. */
export const ACTIONS = {
  SCMP_ACT_KILL: RET.KILL_THREAD, // libseccomp's historical name: the thread, not the process
  SCMP_ACT_KILL_THREAD: RET.KILL_THREAD,
  SCMP_ACT_KILL_PROCESS: RET.KILL_PROCESS,
  SCMP_ACT_TRAP: RET.TRAP,
  SCMP_ACT_ERRNO: RET.ERRNO,
  SCMP_ACT_TRACE: RET.TRACE,
  SCMP_ACT_LOG: RET.LOG,
  SCMP_ACT_ALLOW: RET.ALLOW,
} as const;

export type ActionName = keyof typeof ACTIONS;

/** The argument comparisons, each on the whole 64-bit argument. */
export const OPERATORS = ['SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ'] as const;

/** The flags seccomp(2) takes that a profile may ask for (SECCOMP_FILTER_FLAG_*, <linux/seccomp.h>). */
export const FLAGS = {
  SECCOMP_FILTER_FLAG_TSYNC: 1,
  SECCOMP_FILTER_FLAG_LOG: 2,
  SECCOMP_FILTER_FLAG_SPEC_ALLOW: 4,
} as const;

/** Every architecture name the spec knows; only x86_64 is compiled for. */
const ARCHITECTURES = [
  'SCMP_ARCH_X86', 'SCMP_ARCH_X86_64', 'SCMP_ARCH_X32', 'SCMP_ARCH_ARM', 'SCMP_ARCH_AARCH64', 'SCMP_ARCH_MIPS',
  'SCMP_ARCH_MIPS64', 'SCMP_ARCH_MIPS64N32', 'SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64', 'SCMP_ARCH_MIPSEL64N32',
  'SCMP_ARCH_PPC', 'SCMP_ARCH_PPC64', 'SCMP_ARCH_PPC64LE', 'SCMP_ARCH_S390', 'SCMP_ARCH_S390X',
  'SCMP_ARCH_PARISC', 'SCMP_ARCH_PARISC64', 'SCMP_ARCH_RISCV64', 'SCMP_ARCH_LOONGARCH64',
] as const;
// #endregion actions

// #region field-schemas
const quoted = (input: unknown) => JSON.stringify(input);

const action = v.pipe(
  v.string(),
  v.check((name) => name !== 'SCMP_ACT_NOTIFY', 'SCMP_ACT_NOTIFY needs a seccomp agent on listenerPath, which skiff-runtime does not support'),
  v.check((name) => Object.hasOwn(ACTIONS, name), (issue) => `unknown action ${quoted(issue.input)}`),
) as v.GenericSchema<string, ActionName>;

/** An errno for SECCOMP_RET_ERRNO: the kernel caps it at MAX_ERRNO. */
const errno = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(4095, 'must be an errno, 0 to 4095'));

/** A uint64 in JSON: above 2^53 a JavaScript number no longer holds it exactly, so such values are refused. */
const uint64 = v.pipe(v.number(), v.safeInteger('must be a whole number below 2^53'), v.minValue(0));

const argument = v.pipe(
  v.object({
    index: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(5, 'a system call has six arguments, 0 to 5')),
    value: uint64,
    valueTwo: v.optional(uint64),
    op: v.picklist(OPERATORS, (issue) => `unknown operator ${quoted(issue.input)}`),
  }),
  v.forward(
    v.partialCheck([['op'], ['valueTwo']], (arg) => !arg.valueTwo || arg.op === 'SCMP_CMP_MASKED_EQ', 'only SCMP_CMP_MASKED_EQ takes a valueTwo'),
    ['valueTwo'],
  ),
);

const architecture = v.pipe(
  v.picklist(ARCHITECTURES, (issue) => `unknown architecture ${quoted(issue.input)}`),
  v.check((arch) => arch === 'SCMP_ARCH_X86_64', (issue) => `${issue.input} is not supported: skiff-runtime compiles filters for SCMP_ARCH_X86_64 only`),
);

const flag = v.pipe(
  v.string(),
  v.check((name) => name !== 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV', 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV is for a notification listener, which skiff-runtime does not support'),
  v.check((name) => Object.hasOwn(FLAGS, name), (issue) => `unknown flag ${quoted(issue.input)}`),
) as v.GenericSchema<string, keyof typeof FLAGS>;
// #endregion field-schemas

// #region seccomp-schema
/** errnoRet means something to ERRNO (the errno) and TRACE (the tracer's data) only. */
const takesErrno = (name: string) => name === 'SCMP_ACT_ERRNO' || name === 'SCMP_ACT_TRACE';

const syscallRule = v.pipe(
  v.object({
    names: v.pipe(v.array(v.pipe(v.string(), v.minLength(1, 'an empty string is not a system call'))), v.minLength(1, 'must name at least one system call')),
    action,
    errnoRet: v.optional(errno),
    args: v.optional(v.array(argument)),
  }),
  v.forward(
    v.partialCheck([['action'], ['errnoRet']], (rule) => rule.errnoRet === undefined || takesErrno(rule.action), 'only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errnoRet'),
    ['errnoRet'],
  ),
);

const notSupported = (what: string) => v.pipe(v.unknown(), v.check(() => false, `${what} is not supported by skiff-runtime`));

export const seccompSchema = v.pipe(
  v.object({
    defaultAction: action,
    defaultErrnoRet: v.optional(errno),
    architectures: v.optional(v.array(architecture)),
    flags: v.optional(v.array(flag)),
    listenerPath: v.optional(notSupported('seccomp notification (a listener)')),
    listenerMetadata: v.optional(notSupported('seccomp notification (a listener)')),
    syscalls: v.optional(v.array(syscallRule)),
  }),
  v.forward(
    v.partialCheck([['defaultAction'], ['defaultErrnoRet']], (p) => p.defaultErrnoRet === undefined || takesErrno(p.defaultAction), 'only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take a defaultErrnoRet'),
    ['defaultErrnoRet'],
  ),
);

export type SeccompProfile = v.InferOutput<typeof seccompSchema>;
export type SyscallRule = v.InferOutput<typeof syscallRule>;
export type ArgumentRule = v.InferOutput<typeof argument>;
// #endregion seccomp-schema

// #region check-profile
/**
 * A profile on its own, as `skiff-runtime seccomp FILE` reads one (inside
 * config.json, validateSpec checks it with the rest): refused in one line
 * that names the field, `syscalls[0].action` as a reader would write it.
 */
export function checkProfile(json: unknown, source: string): SeccompProfile {
  const result = v.safeParse(seccompSchema, json, { abortEarly: true });
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = (issue.path ?? []).map(({ key }, i) => (typeof key === 'number' ? `[${key}]` : `${i ? '.' : ''}${String(key)}`)).join('');
  throw new RuntimeError(`${source}: ${path ? `${path}: ` : ''}${issue.message}`);
}
// #endregion check-profile
