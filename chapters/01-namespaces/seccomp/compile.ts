// compile.ts — a seccomp profile turned into the BPF program the kernel runs.

import { RuntimeError } from '../errors.js';
import { AUDIT_ARCH_X86_64, DATA, encode, MAX_INSTRUCTIONS, OP, RET, severity, X32_SYSCALL_BIT, type Instruction } from './bpf.js';
import { ACTIONS, FLAGS, type ActionName, type ArgumentRule, type SeccompProfile } from './profile.js';
import { SYSCALLS_X86_64 } from './syscalls-x86_64.js';

// #region labels
/**
 * A place in the program. Instructions are drafted with labels as jump
 * targets and labels placed between them; `link` lays the program out and
 * turns each target into the forward offset the kernel wants.
 */
interface Label {
  at?: number;
}

type Draft =
  /** jt, jf: where to go when the test holds, when it fails; the next instruction when left out. */
  | { code: number; k: number; jt?: Label; jf?: Label }
  | { place: Label };

function link(drafts: Draft[]): Instruction[] {
  let at = 0;
  for (const draft of drafts) {
    if ('place' in draft) draft.place.at = at;
    else at++;
  }
  const program: Instruction[] = [];
  for (const draft of drafts) {
    if ('place' in draft) continue;
    const from = program.length;
    program.push({ code: draft.code, k: draft.k, jt: offset(draft.jt, from), jf: offset(draft.jf, from) });
  }
  return program;
}

function offset(target: Label | undefined, from: number): number {
  if (!target) return 0;
  const distance = target.at! - (from + 1);
  // Every jump stays inside one rule, a few instructions long.
  if (distance < 0 || distance > 255) throw new Error(`BPF jump of ${distance} from ${from} is out of range`);
  return distance;
}
// #endregion labels

// #region verdict
/** One draft instruction each; jump targets are labels. */
const place = (label: Label): Draft => ({ place: label });
const load = (offset: number): Draft => ({ code: OP.LD_ABS, k: offset });
const and = (mask: number): Draft => ({ code: OP.AND, k: mask >>> 0 });
const ret = (verdict: number): Draft => ({ code: OP.RET, k: verdict >>> 0 });
const jump = (code: number, k: number, jt?: Label, jf?: Label): Draft => ({ code, k: k >>> 0, jt, jf });

const EPERM = 1;
const ENOSYS = 38;

/** An OCI action as a verdict; ERRNO and TRACE carry errnoRet, EPERM unless given (as runc does). */
function verdictOf(action: ActionName, errnoRet: number | undefined): number {
  const base = ACTIONS[action];
  const carriesData = base === RET.ERRNO || base === RET.TRACE;
  return (base | (carriesData ? (errnoRet ?? EPERM) : 0)) >>> 0;
}

/** One match the program tests: a system call number, conditions that must all hold, a verdict. */
interface Rule {
  nr: number;
  conditions: ArgumentRule[];
  verdict: number;
}
// #endregion verdict

// #region rules
/**
 * The profile's syscall entries as rules, in the order the program tests
 * them. Following runc: a name unknown to the table is skipped (libseccomp
 * cannot resolve it, and runc assumes a kernel without that call); a rule
 * whose verdict is the default one is left out; conditions on different
 * arguments must all hold, and two conditions on the same argument are
 * alternatives. Where rules overlap, the most severe verdict wins, as it
 * does between stacked filters: the rules are tested most severe first.
 */
function rulesOf(profile: SeccompProfile, defaultVerdict: number): Rule[] {
  const rules = (profile.syscalls ?? []).flatMap((entry) => {
    const verdict = verdictOf(entry.action, entry.errnoRet);
    if (verdict === defaultVerdict) return [];
    const numbers = entry.names.flatMap((name) => SYSCALLS_X86_64.get(name) ?? []);
    return numbers.flatMap((nr) => alternatives(entry.args ?? []).map((conditions) => ({ nr, conditions, verdict })));
  });
  return rules.sort((a, b) => severity(a.verdict) - severity(b.verdict));
}

function alternatives(args: ArgumentRule[]): ArgumentRule[][] {
  const indexes = new Set(args.map((arg) => arg.index));
  return indexes.size === args.length ? [args] : args.map((arg) => [arg]);
}
// #endregion rules

// #region compare
/**
 * Instructions that fall through when `arg` holds and jump to `fail`
 * when it does not. BPF compares 32 bits at a time, so a 64-bit test is
 * made of the high halves first, then the low ones. All unsigned.
 */
function compare({ index, op, value, valueTwo = 0 }: ArgumentRule, fail: Label): Draft[] {
  const [hi, lo] = halves(value);
  const high = load(DATA.argHigh(index));
  const low = load(DATA.argLow(index));
  const pass: Label = {};
  switch (op) {
    case 'SCMP_CMP_EQ':
      return [high, jump(OP.JEQ, hi, undefined, fail), low, jump(OP.JEQ, lo, undefined, fail)];
    case 'SCMP_CMP_NE':
      return [high, jump(OP.JEQ, hi, undefined, pass), low, jump(OP.JEQ, lo, fail), place(pass)];
    case 'SCMP_CMP_GT':
    case 'SCMP_CMP_GE': {
      const lowTest = op === 'SCMP_CMP_GT' ? OP.JGT : OP.JGE;
      return [high, jump(OP.JGT, hi, pass), jump(OP.JEQ, hi, undefined, fail), low, jump(lowTest, lo, undefined, fail), place(pass)];
    }
    case 'SCMP_CMP_LT':
    case 'SCMP_CMP_LE': {
      // a < b is not (a >= b), a <= b is not (a > b)
      const lowTest = op === 'SCMP_CMP_LT' ? OP.JGE : OP.JGT;
      return [high, jump(OP.JGT, hi, fail), jump(OP.JEQ, hi, undefined, pass), low, jump(lowTest, lo, fail), place(pass)];
    }
    case 'SCMP_CMP_MASKED_EQ': {
      // (arg & value) == valueTwo: the mask is `value`, as in libseccomp
      const [wantHi, wantLo] = halves(valueTwo);
      return [high, and(hi), jump(OP.JEQ, wantHi, undefined, fail), low, and(lo), jump(OP.JEQ, wantLo, undefined, fail)];
    }
  }
}

const halves = (value: number): [hi: number, lo: number] => [Math.floor(value / 2 ** 32), value % 2 ** 32];
// #endregion compare

// #region program
/**
 * The whole program. First the architecture: a system call's number means
 * nothing until we know which table it comes from, and a process on x86_64
 * can also enter the kernel as i386 (int 0x80) or as x32 (x86_64's entry,
 * numbers with bit 30 set). Only x86_64 is compiled for; anything else is
 * killed, as libseccomp does. Then the rules, one after the other, and the
 * default verdict for every call no rule matched.
 */
function assemble(profile: SeccompProfile): Draft[] {
  const fallback = verdictOf(profile.defaultAction, profile.defaultErrnoRet);
  const x86_64: Label = {};
  const native: Label = {};
  const drafts: Draft[] = [
    load(DATA.arch),
    jump(OP.JEQ, AUDIT_ARCH_X86_64, x86_64),
    ret(RET.KILL_PROCESS),
    place(x86_64),
    load(DATA.nr),
    jump(OP.JGE, X32_SYSCALL_BIT, undefined, native),
    jump(OP.JEQ, 0xffffffff, native), // syscall(-1) is no x32 call: on to the rules
    ret(RET.KILL_PROCESS),
    place(native),
    ...enosysStub(profile),
  ];
  let holdsNr = true;
  for (const rule of rulesOf(profile, fallback)) {
    const next: Label = {};
    if (!holdsNr) drafts.push(load(DATA.nr));
    drafts.push(jump(OP.JEQ, rule.nr, undefined, next));
    for (const condition of rule.conditions) drafts.push(...compare(condition, next));
    drafts.push(ret(rule.verdict), place(next));
    holdsNr = rule.conditions.length === 0;
  }
  drafts.push(ret(fallback));
  return drafts;
}
// #endregion program

// #region enosys
/**
 * runc's addition to what libseccomp generates (libcontainer/seccomp/patchbpf):
 * a system call newer than every one the profile names fails with ENOSYS
 * instead of meeting a deny-by-default. A profile written before, say,
 * clone3 existed then tells the C library "this kernel has no clone3", and
 * it falls back to clone; EPERM would have made it give up. Not for a
 * permissive default (ALLOW, LOG, TRACE), nor when the default is ENOSYS anyway.
 */
function enosysStub(profile: SeccompProfile): Draft[] {
  const permissive = ['SCMP_ACT_ALLOW', 'SCMP_ACT_LOG', 'SCMP_ACT_TRACE'].includes(profile.defaultAction);
  if (permissive || profile.defaultErrnoRet === ENOSYS) return [];
  const named = (profile.syscalls ?? []).flatMap((rule) => rule.names.flatMap((name) => SYSCALLS_X86_64.get(name) ?? []));
  if (!named.length) return [];
  const known: Label = {};
  return [jump(OP.JGT, Math.max(...named), undefined, known), ret(RET.ERRNO | ENOSYS), place(known)];
}
// #endregion enosys

// #region compile
/** What init hands to seccomp(2): the program, and the flags to install it with. */
export interface CompiledFilter {
  program: Instruction[];
  flags: number;
}

/** Compiles a checked profile; refuses one the kernel would not load. */
export function compileSeccomp(profile: SeccompProfile): CompiledFilter {
  const program = link(assemble(profile));
  if (program.length > MAX_INSTRUCTIONS) {
    throw new RuntimeError(`linux.seccomp: the profile compiles to ${program.length} BPF instructions; the kernel loads at most ${MAX_INSTRUCTIONS}`);
  }
  const flags = (profile.flags ?? []).reduce((bits, name) => bits | FLAGS[name], 0);
  return { program, flags };
}

/** The filter as it travels to init: the program's bytes in base64. */
export interface SeccompFilter {
  program: string;
  flags: number;
}

/** linux.seccomp as init takes it; nothing when the config has none. */
export function seccompFilterOf(profile: SeccompProfile | undefined): SeccompFilter | undefined {
  if (!profile) return undefined;
  const { program, flags } = compileSeccomp(profile);
  return { program: encode(program).toString('base64'), flags };
}
// #endregion compile
