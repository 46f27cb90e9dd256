// linux.seccomp: compiled to classic BPF, read back, run, and loaded.
//
// Four layers of proof. The syscall table agrees with libseccomp, the
// library runc resolves names with. The compiled program, read back from
// its bytes, is run by an independent interpreter against system calls it
// must allow and deny, with 64-bit argument comparisons checked against
// BigInt arithmetic. The kernel then runs it: a denied mkdir fails with the
// errno the profile names, a killed one ends in 159 (128 + SIGSYS), the
// container's status shows the filter, from inside and from the host, and
// an exec'd process is bound by it too. Each of those bundles runs under
// runc as well, with the same output and exit status. Bad profiles are
// refused before anything is made.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import koffi from 'koffi';
import * as v from 'valibot';
import { DEFAULT_CAPABILITIES } from '../../chapters/01-namespaces/index.ts';
import { compileSeccomp, decode, disassemble, dockerDefaultProfile, encode, seccompSchema, SYSCALLS_X86_64, type SeccompProfile } from '../../chapters/01-namespaces/seccomp/index.ts';
import { startDockerd, tarDirectory } from '../helpers/dockerd.ts';
import { makeBusyboxRootfs } from '../helpers/rootfs.ts';
import { AUDIT_ARCH_I386, AUDIT_ARCH_X86_64, runFilter, VERDICT, type SyscallEvent } from './bpf-interpreter.ts';
import { Lab, lines, type RunResult, type Spec } from './helpers.ts';

const nr = (name: string) => SYSCALLS_X86_64.get(name)!;
const profile = (json: unknown): SeccompProfile => v.parse(seccompSchema, json);
const bytesOf = (json: unknown) => encode(compileSeccomp(profile(json)).program);
const call = (name: string, ...args: bigint[]): SyscallEvent => ({ arch: AUDIT_ARCH_X86_64, nr: nr(name), args });
const verdict = (json: unknown, event: SyscallEvent) => runFilter(bytesOf(json), event);

describe('the x86_64 system call table', () => {
  // libseccomp2 is on every host runc runs on: it is runc's own dependency.
  const libseccomp = koffi.load('libseccomp.so.2');
  const byName = libseccomp.func('int seccomp_syscall_resolve_name_arch(uint32_t arch, const char *name)');
  const byNumber = libseccomp.func('const char *seccomp_syscall_resolve_num_arch(uint32_t arch, int num)');

  it('gives every name the number libseccomp gives it', () => {
    const wrong = [...SYSCALLS_X86_64].filter(([name, number]) => byName(AUDIT_ARCH_X86_64, name) !== number);
    assert.deepEqual(wrong, []);
    assert.equal(nr('read'), 0);
    assert.equal(nr('mkdir'), 83);
    assert.equal(nr('pidfd_send_signal'), 424);
  });

  it('knows every number libseccomp knows', () => {
    const missing: string[] = [];
    for (let n = 0; n < 1024; n++) {
      const name = byNumber(AUDIT_ARCH_X86_64, n) as string | null;
      if (name && SYSCALLS_X86_64.get(name) !== n) missing.push(`${n} ${name}`);
    }
    assert.deepEqual(missing, []);
    assert.ok(SYSCALLS_X86_64.size > 360, `only ${SYSCALLS_X86_64.size} names`);
  });
});

describe('the compiled program', () => {
  const denyMkdir = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO' }] };

  it('reads back from its bytes as it was compiled, and disassembles one line an instruction', () => {
    const { program } = compileSeccomp(profile(denyMkdir));
    assert.deepEqual(decode(encode(program)), program);
    const listing = disassemble(program);
    assert.equal(listing.length, program.length);
    assert.match(listing[0]!, /^\(000\) ld {2}\[4\] +; arch$/);
    assert.ok(listing.some((line) => /jeq #83 .*; mkdir$/.test(line)), listing.join('\n'));
    assert.match(listing.at(-1)!, /ret #0x7fff0000 +; ALLOW$/);
  });

  it('checks the architecture first: i386 and x32 calls are killed, syscall(-1) is not', () => {
    assert.equal(verdict(denyMkdir, call('read')), VERDICT.ALLOW);
    assert.equal(verdict(denyMkdir, { arch: AUDIT_ARCH_I386, nr: 39 }), VERDICT.KILL_PROCESS, 'i386 getpid');
    assert.equal(verdict(denyMkdir, { arch: AUDIT_ARCH_X86_64, nr: 0x40000000 | 39 }), VERDICT.KILL_PROCESS, 'x32 getpid');
    assert.equal(verdict(denyMkdir, { arch: AUDIT_ARCH_X86_64, nr: -1 }), VERDICT.ALLOW, 'syscall(-1) meets the default');
  });

  it('denies the named calls with EPERM, or the errnoRet given, and lets the rest through', () => {
    assert.equal(verdict(denyMkdir, call('mkdir')), VERDICT.errno(1));
    assert.equal(verdict(denyMkdir, call('mkdirat')), VERDICT.errno(1));
    assert.equal(verdict(denyMkdir, call('rmdir')), VERDICT.ALLOW);
    const custom = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }] };
    assert.equal(verdict(custom, call('mkdir')), VERDICT.errno(13));
  });

  it('gives each action its verdict, and the default its own', () => {
    const actions = {
      SCMP_ACT_KILL: VERDICT.KILL_THREAD, SCMP_ACT_KILL_THREAD: VERDICT.KILL_THREAD, SCMP_ACT_KILL_PROCESS: VERDICT.KILL_PROCESS,
      SCMP_ACT_TRAP: VERDICT.TRAP, SCMP_ACT_ERRNO: VERDICT.errno(1), SCMP_ACT_TRACE: VERDICT.trace(1), SCMP_ACT_LOG: VERDICT.LOG,
    };
    for (const [action, expected] of Object.entries(actions)) {
      assert.equal(verdict({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action }] }, call('mkdir')), expected, action);
      assert.equal(verdict({ defaultAction: action, syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ALLOW' }] }, call('mkdir')), VERDICT.ALLOW);
    }
    assert.equal(verdict({ defaultAction: 'SCMP_ACT_TRACE', defaultErrnoRet: 7 }, call('read')), VERDICT.trace(7));
    assert.equal(verdict({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 30, syscalls: [{ names: ['getppid'], action: 'SCMP_ACT_ALLOW' }] }, call('getpid')), VERDICT.errno(30));
  });

  it('answers a call newer than every name of a deny-by-default profile with ENOSYS, as runc does', () => {
    const allowList = { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read', 'write', 'openat'], action: 'SCMP_ACT_ALLOW' }] };
    assert.equal(verdict(allowList, call('openat')), VERDICT.ALLOW);
    assert.equal(verdict(allowList, call('mkdir')), VERDICT.errno(1), 'older than openat (257): the default');
    assert.equal(verdict(allowList, call('clone3')), VERDICT.errno(38), 'newer than openat: ENOSYS');
    assert.equal(verdict({ ...allowList, defaultErrnoRet: 38 }, call('clone3')), VERDICT.errno(38));
    assert.equal(verdict({ ...allowList, defaultAction: 'SCMP_ACT_LOG' }, call('clone3')), VERDICT.LOG, 'no stub for a permissive default');
  });

  it('skips names the table does not know, as runc does, and keeps the known ones of the same rule', () => {
    const json = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['no_such_call', 'mkdir'], action: 'SCMP_ACT_ERRNO' }] };
    assert.equal(verdict(json, call('mkdir')), VERDICT.errno(1));
  });

  it('leaves out a rule whose verdict is the default one, as runc does', () => {
    const json = {
      defaultAction: 'SCMP_ACT_ERRNO',
      syscalls: [
        { names: ['personality'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 8, op: 'SCMP_CMP_EQ' }] },
        { names: ['personality'], action: 'SCMP_ACT_ALLOW' },
      ],
    };
    assert.equal(verdict(json, call('personality', 8n)), VERDICT.ALLOW);
  });

  it('lets the most severe of overlapping rules win, whatever their order', () => {
    const rules = [
      { names: ['personality'], action: 'SCMP_ACT_LOG' },
      { names: ['personality'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 8, op: 'SCMP_CMP_EQ' }] },
    ];
    for (const syscalls of [rules, [...rules].reverse()]) {
      assert.equal(verdict({ defaultAction: 'SCMP_ACT_ALLOW', syscalls }, call('personality', 8n)), VERDICT.errno(1));
      assert.equal(verdict({ defaultAction: 'SCMP_ACT_ALLOW', syscalls }, call('personality', 0n)), VERDICT.LOG);
    }
  });

  it('requires conditions on different arguments all to hold, and takes two on the same argument as alternatives (runc)', () => {
    const both = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mmap'], action: 'SCMP_ACT_ERRNO', args: [{ index: 2, value: 4, op: 'SCMP_CMP_EQ' }, { index: 3, value: 1, op: 'SCMP_CMP_EQ' }] }] };
    assert.equal(verdict(both, call('mmap', 0n, 0n, 4n, 1n)), VERDICT.errno(1));
    assert.equal(verdict(both, call('mmap', 0n, 0n, 4n, 2n)), VERDICT.ALLOW);
    const either = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['personality'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 8, op: 'SCMP_CMP_EQ' }, { index: 0, value: 0xffffffff, op: 'SCMP_CMP_EQ' }] }] };
    assert.equal(verdict(either, call('personality', 8n)), VERDICT.errno(1));
    assert.equal(verdict(either, call('personality', 0xffffffffn)), VERDICT.errno(1));
    assert.equal(verdict(either, call('personality', 0n)), VERDICT.ALLOW);
  });

  // Values chosen where 32-bit halves go wrong: equal high halves, equal low halves, carries.
  const HI = 2n ** 32n;
  const ruleValues = [0n, 1n, 8n, 0xffffffffn, HI, HI + 1n, 5n * HI, 5n * HI + 0xffffffffn, 2n ** 53n - 1n];
  const argValues = [...ruleValues, 7n, HI - 1n, 4n * HI + 0xffffffffn, 6n * HI, 2n ** 64n - 1n, 0xffffffffn * HI, 2n ** 53n];
  const OPS: Record<string, (arg: bigint, value: bigint) => boolean> = {
    SCMP_CMP_EQ: (a, b) => a === b,
    SCMP_CMP_NE: (a, b) => a !== b,
    SCMP_CMP_LT: (a, b) => a < b,
    SCMP_CMP_LE: (a, b) => a <= b,
    SCMP_CMP_GT: (a, b) => a > b,
    SCMP_CMP_GE: (a, b) => a >= b,
  };

  for (const [op, holds] of Object.entries(OPS)) {
    it(`compares whole 64-bit arguments with ${op}`, () => {
      for (const value of ruleValues) {
        const json = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['personality'], action: 'SCMP_ACT_ERRNO', errnoRet: 5, args: [{ index: 1, value: Number(value), op }] }] };
        const bytes = bytesOf(json);
        for (const arg of argValues) {
          const expected = holds(arg, value) ? VERDICT.errno(5) : VERDICT.ALLOW;
          assert.equal(runFilter(bytes, call('personality', 0n, arg)), expected, `${arg} ${op} ${value}`);
        }
      }
    });
  }

  it('compares with SCMP_CMP_MASKED_EQ: (arg & value) == valueTwo, on both halves', () => {
    const masks = [0xffn, 8n, HI, 0x1f00000000ffn, 2n ** 53n - 1n];
    for (const mask of masks) {
      for (const wanted of [0n, 8n, HI, 0x1200000000f0n]) {
        const json = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['clone'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: Number(mask), valueTwo: Number(wanted), op: 'SCMP_CMP_MASKED_EQ' }] }] };
        const bytes = bytesOf(json);
        for (const arg of argValues) {
          const expected = (arg & mask) === wanted ? VERDICT.errno(1) : VERDICT.ALLOW;
          assert.equal(runFilter(bytes, call('clone', arg)), expected, `(${arg} & ${mask}) == ${wanted}`);
        }
      }
    }
  });

  it('turns the flags into seccomp(2) flag bits', () => {
    const flags = ['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW'];
    assert.equal(compileSeccomp(profile({ defaultAction: 'SCMP_ACT_ALLOW', flags })).flags, 7);
    assert.equal(compileSeccomp(profile({ defaultAction: 'SCMP_ACT_ALLOW' })).flags, 0);
  });

  it('refuses a profile longer than the kernel loads (4096 instructions)', () => {
    const args = [0, 1, 2, 3, 4, 5].map((index) => ({ index, value: index, op: 'SCMP_CMP_EQ' }));
    const json = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: [...SYSCALLS_X86_64.keys()], action: 'SCMP_ACT_ERRNO', args }] };
    assert.throws(() => compileSeccomp(profile(json)), /linux\.seccomp: the profile compiles to \d+ BPF instructions; the kernel loads at most 4096/);
  });
});

/** A seccomp profile denying mkdir in both its forms (a C library may use either). */
const denyMkdir = (action = 'SCMP_ACT_ERRNO', extra: object = {}) => ({
  defaultAction: 'SCMP_ACT_ALLOW',
  syscalls: [{ names: ['mkdir', 'mkdirat'], action, ...extra }],
});

interface KernelCase {
  name: string;
  args: string[];
  seccomp?: object;
  configure?: (spec: Spec) => void;
  /** What must be true of our run; runc's must then be the same. */
  expect: (r: RunResult) => void;
}

const STATUS = 'grep -E "^(NoNewPrivs|Seccomp)" /proc/self/status';
const sh = (script: string) => ['sh', '-c', script];

const kernelCases: KernelCase[] = [
  {
    name: 'a denied mkdir fails with EPERM; the status shows one filter',
    args: sh(`mkdir /dev/shm/x 2>&1; echo "mkdir: $?"; ${STATUS}`),
    seccomp: denyMkdir(),
    expect: (r) => {
      assert.match(r.stdout, /can't create directory '\/dev\/shm\/x': Operation not permitted\nmkdir: 1\n/);
      assert.match(r.stdout, /NoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t1\n/);
    },
  },
  {
    name: 'without the filter, the same mkdir succeeds',
    args: sh(`mkdir /dev/shm/x 2>&1; echo "mkdir: $?"; ${STATUS}`),
    expect: (r) => {
      assert.match(r.stdout, /^mkdir: 0\n/);
      assert.match(r.stdout, /Seccomp:\t0\n/);
    },
  },
  {
    name: 'errnoRet chooses the errno',
    args: sh('mkdir /dev/shm/x 2>&1; echo "mkdir: $?"'),
    seccomp: denyMkdir('SCMP_ACT_ERRNO', { errnoRet: 13 }),
    expect: (r) => assert.equal(r.stdout, "mkdir: can't create directory '/dev/shm/x': Permission denied\nmkdir: 1\n"),
  },
  {
    name: 'SCMP_ACT_KILL_PROCESS ends the program with SIGSYS: exit 159',
    args: ['mkdir', '/dev/shm/x'],
    seccomp: denyMkdir('SCMP_ACT_KILL_PROCESS'),
    expect: (r) => assert.equal(r.code, 159, r.stderr),
  },
  {
    name: 'an argument comparison denies personality(PER_LINUX32) and nothing else',
    args: sh('linux32 true 2>&1; echo "linux32: $?"; linux64 true 2>&1; echo "linux64: $?"'),
    seccomp: { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['personality'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 8, op: 'SCMP_CMP_EQ' }] }] },
    expect: (r) => assert.equal(r.stdout, 'linux32: personality(0x8): Operation not permitted\nlinux32: 1\nlinux64: 0\n'),
  },
  {
    name: 'a masked comparison tests only the bits of its mask',
    args: sh('linux32 true 2>&1; echo "linux32: $?"; linux64 true 2>&1; echo "linux64: $?"'),
    seccomp: { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['personality'], action: 'SCMP_ACT_ERRNO', errnoRet: 22, args: [{ index: 0, value: 0xff, valueTwo: 8, op: 'SCMP_CMP_MASKED_EQ' }] }] },
    expect: (r) => assert.equal(r.stdout, 'linux32: personality(0x8): Invalid argument\nlinux32: 1\nlinux64: 0\n'),
  },
  {
    name: 'deny by default: every named call allowed, mkdir meets defaultErrnoRet',
    args: sh(`mkdir /dev/shm/x 2>&1; echo "mkdir: $?"; ls -d /tmp`),
    seccomp: {
      defaultAction: 'SCMP_ACT_ERRNO',
      defaultErrnoRet: 28,
      syscalls: [{ names: [...SYSCALLS_X86_64.keys()].filter((name) => name !== 'mkdir' && name !== 'mkdirat'), action: 'SCMP_ACT_ALLOW' }],
    },
    expect: (r) => assert.equal(r.stdout, "mkdir: can't create directory '/dev/shm/x': No space left on device\nmkdir: 1\n/tmp\n"),
  },
  {
    name: 'without no_new_privs, the filter is loaded while init still holds CAP_SYS_ADMIN',
    args: sh(`mkdir /dev/shm/x 2>&1; echo "mkdir: $?"; id -u; ${STATUS}`),
    seccomp: denyMkdir(),
    configure: (spec) => {
      spec.process.noNewPrivileges = false;
      spec.process.user = { uid: 1000, gid: 1000 };
    },
    expect: (r) => {
      assert.match(r.stdout, /Operation not permitted\nmkdir: 1\n1000\n/);
      assert.match(r.stdout, /NoNewPrivs:\t0\nSeccomp:\t2\n/);
    },
  },
];

describe('the kernel runs the filter', () => {
  const lab = new Lab('seccomp');
  const runcRoot = join(lab.dir, 'runc-state');
  mkdirSync(runcRoot);
  after(() => lab.close());

  const bundleFor = (c: KernelCase) =>
    lab.bundle(c.args, (spec) => {
      if (c.seccomp) (spec.linux as Record<string, unknown>).seccomp = c.seccomp;
      c.configure?.(spec);
    });

  for (const c of kernelCases) {
    it(`${c.name} — and runc agrees`, () => {
      const bundle = bundleFor(c);
      const ours = lab.runtime(['run', lab.newId('sc'), '--bundle', bundle.dir]);
      c.expect(ours);
      const r = spawnSync('runc', ['--root', runcRoot, 'run', '--bundle', bundle.dir, lab.newId('runc')], { encoding: 'utf8', input: '', timeout: 60_000 });
      assert.deepEqual({ code: ours.code, stdout: ours.stdout, stderr: ours.stderr }, { code: r.status, stdout: r.stdout, stderr: r.stderr }, 'same as runc');
    });
  }

  it('binds the container from the host’s view too, and its exec’d processes', async () => {
    const bundle = lab.bundle(['sleep', '60'], (spec) => ((spec.linux as Record<string, unknown>).seccomp = denyMkdir()));
    const id = lab.newId('exec');
    const pid = lab.startDetached(id, bundle);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    assert.match(status, /Seccomp:\t2\nSeccomp_filters:\t1\n/, 'the container’s PID 1, seen from the host');
    const r = lab.runtime(lab.execArgs(id, ['sh', '-c', `mkdir /dev/shm/y 2>&1; echo "mkdir: $?"; ${STATUS}`]));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Operation not permitted\nmkdir: 1\nNoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t1\n/);
  });

  it('applies the flags it is given: with SECCOMP_FILTER_FLAG_LOG, a denied call reaches the kernel log', () => {
    // runc 1.1 refuses every flag, so this one is ours alone. The kernel logs
    // an ERRNO verdict only for a filter loaded with the LOG flag (man 2
    // seccomp); the audit line names the uid, which tells our two runs apart.
    // TSYNC and SPEC_ALLOW leave no trace after execve; the kernel accepting them is the proof.
    const uid = 40000 + Math.floor(Math.random() * 20000);
    const run = (flags: string[], user: number) => {
      const bundle = lab.bundle(sh('mkdir /dev/shm/x 2>&1; echo "mkdir: $?"'), (spec) => {
        (spec.linux as Record<string, unknown>).seccomp = { ...denyMkdir(), flags };
        spec.process.user = { uid: user, gid: user };
      });
      const r = lab.runtime(['run', lab.newId('flags'), '--bundle', bundle.dir]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Operation not permitted\nmkdir: 1\n/);
    };
    run(['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW'], uid);
    run([], uid + 1);
    const log = spawnSync('dmesg', { encoding: 'utf8' }).stdout;
    const logged = (user: number) => log.split('\n').some((line) => line.includes(` uid=${user} `) && / syscall=83 .*code=0x50000/.test(line));
    assert.ok(logged(uid), `no audit line for uid ${uid} in the kernel log`);
    assert.ok(!logged(uid + 1), 'a filter without the LOG flag was logged');
  });
});

describe('bad profiles are refused before anything is made', () => {
  const lab = new Lab('seccomp-bad');
  after(() => lab.close());

  const cases: [what: string, seccomp: object, message: RegExp][] = [
    ['an unknown action', { defaultAction: 'SCMP_ACT_MAYBE' }, /linux\.seccomp\.defaultAction: unknown action "SCMP_ACT_MAYBE"/],
    ['an unknown action in a rule', denyMkdir('SCMP_ACT_NOPE'), /linux\.seccomp\.syscalls\[0\]\.action: unknown action "SCMP_ACT_NOPE"/],
    ['an unknown architecture', { defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_Z80'] }, /linux\.seccomp\.architectures\[0\]: unknown architecture "SCMP_ARCH_Z80"/],
    ['an architecture not compiled for', { defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'] }, /linux\.seccomp\.architectures\[1\]: SCMP_ARCH_X86 is not supported/],
    ['an unknown operator', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 1, op: 'SCMP_CMP_ROUGHLY' }] }] }, /linux\.seccomp\.syscalls\[0\]\.args\[0\]\.op: unknown operator "SCMP_CMP_ROUGHLY"/],
    ['a seventh argument', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO', args: [{ index: 6, value: 1, op: 'SCMP_CMP_EQ' }] }] }, /linux\.seccomp\.syscalls\[0\]\.args\[0\]\.index: a system call has six arguments/],
    ['an errnoRet on an action without one', denyMkdir('SCMP_ACT_KILL', { errnoRet: 1 }), /linux\.seccomp\.syscalls\[0\]\.errnoRet: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errnoRet/],
    ['a defaultErrnoRet on a default without one', { defaultAction: 'SCMP_ACT_ALLOW', defaultErrnoRet: 1 }, /linux\.seccomp\.defaultErrnoRet: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take a defaultErrnoRet/],
    ['an unknown flag', { defaultAction: 'SCMP_ACT_ALLOW', flags: ['SECCOMP_FILTER_FLAG_FAST'] }, /linux\.seccomp\.flags\[0\]: unknown flag "SECCOMP_FILTER_FLAG_FAST"/],
    ['a listener flag', { defaultAction: 'SCMP_ACT_ALLOW', flags: ['SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'] }, /linux\.seccomp\.flags\[0\]: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV is for a notification listener/],
    ['a listener', { defaultAction: 'SCMP_ACT_ALLOW', listenerPath: '/run/agent.sock' }, /linux\.seccomp\.listenerPath: seccomp notification \(a listener\) is not supported/],
    ['SCMP_ACT_NOTIFY', denyMkdir('SCMP_ACT_NOTIFY'), /linux\.seccomp\.syscalls\[0\]\.action: SCMP_ACT_NOTIFY needs a seccomp agent/],
    ['a valueTwo where it means nothing', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 1, valueTwo: 2, op: 'SCMP_CMP_EQ' }] }] }, /linux\.seccomp\.syscalls\[0\]\.args\[0\]\.valueTwo: only SCMP_CMP_MASKED_EQ takes a valueTwo/],
    ['an action named after a property every object has', { defaultAction: 'constructor' }, /linux\.seccomp\.defaultAction: unknown action "constructor"/],
    ['an empty name', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: [''], action: 'SCMP_ACT_ERRNO' }] }, /linux\.seccomp\.syscalls\[0\]\.names\[0\]: an empty string is not a system call/],
    ['a value JavaScript cannot hold', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 2 ** 60, op: 'SCMP_CMP_EQ' }] }] }, /linux\.seccomp\.syscalls\[0\]\.args\[0\]\.value: must be a whole number below 2\^53/],
  ];

  for (const [what, seccomp, message] of cases) {
    it(`refuses ${what} in one line naming the field`, () => {
      const bundle = lab.bundle(['true'], (spec) => ((spec.linux as Record<string, unknown>).seccomp = seccomp));
      const r = lab.runtime(['create', lab.newId('bad'), '--bundle', bundle.dir]);
      assert.notEqual(r.code, 0);
      assert.equal(lines(r.stderr).length, 1, r.stderr);
      assert.match(r.stderr, message);
      assert.deepEqual(lab.stateEntries(), [], 'no state left behind');
    });
  }
});

describe("Docker's default profile", () => {
  const CLONE_NEWUSER = 0x10000000n;
  const SIGCHLD = 17n;

  it('compiles within the kernel’s limit and refuses what a default container may not do', () => {
    const json = dockerDefaultProfile(DEFAULT_CAPABILITIES);
    const { program } = compileSeccomp(profile(json));
    assert.ok(program.length < 4096, `${program.length} instructions`);
    const bytes = encode(program);
    const expect = (event: SyscallEvent, verdict: number, what: string) => assert.equal(runFilter(bytes, event), verdict, what);
    for (const name of ['read', 'openat', 'execve', 'chroot', 'ptrace']) expect(call(name), VERDICT.ALLOW, name);
    for (const name of ['mount', 'unshare', 'setns', 'reboot', 'kexec_load', 'bpf', 'keyctl', 'clock_settime']) expect(call(name), VERDICT.errno(1), name);
    expect(call('clone', SIGCHLD), VERDICT.ALLOW, 'clone of a plain child');
    expect(call('clone', CLONE_NEWUSER | SIGCHLD), VERDICT.errno(1), 'clone into a new user namespace');
    expect(call('clone3'), VERDICT.errno(38), 'clone3: ENOSYS, so that the C library falls back to clone');
    expect(call('personality', 8n), VERDICT.ALLOW, 'PER_LINUX32');
    expect(call('personality', 1n), VERDICT.errno(1), 'another personality');
    expect({ arch: AUDIT_ARCH_X86_64, nr: 469 }, VERDICT.errno(38), 'a call newer than the table: ENOSYS');

    const admin = encode(compileSeccomp(profile(dockerDefaultProfile([...DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN']))).program);
    for (const event of [call('mount'), call('unshare'), call('clone', CLONE_NEWUSER), call('clone3')]) assert.equal(runFilter(admin, event), VERDICT.ALLOW);
  });

  it('is what dockerd itself gives runc, for the capabilities it gives the container', async () => {
    const lab = new Lab('seccomp-docker');
    // A runtime that keeps a copy of each config.json dockerd hands it, then is runc.
    const captured = join(lab.dir, 'captured');
    mkdirSync(captured);
    const capture = join(lab.dir, 'runc-capture');
    writeFileSync(capture, `#!/bin/sh\nprev=\nfor a in "$@"; do [ "$prev" = --bundle ] && cp "$a/config.json" "${captured}/$(date +%s%N).json"; prev=$a; done\nexec runc "$@"\n`);
    chmodSync(capture, 0o755);
    const dockerd = await startDockerd(['--add-runtime', `capture=${capture}`]);
    try {
      dockerd.docker(['import', tarDirectory(makeBusyboxRootfs(join(lab.dir, 'rootfs')), join(lab.dir, 'rootfs.tar')), 'seccomp/busybox']);
      const runs = [[], ['--cap-add', 'SYS_ADMIN'], ['--cap-drop', 'SYS_CHROOT'], ['--cap-add', 'SYS_PTRACE', '--cap-add', 'SYS_TIME', '--cap-add', 'SYSLOG', '--cap-add', 'SYS_NICE']];
      for (const flags of runs) {
        dockerd.docker(['run', '--rm', '--network', 'none', '--runtime', 'capture', ...flags, 'seccomp/busybox', 'true']);
        const newest = readdirSync(captured).sort((a, b) => statSync(join(captured, b)).mtimeMs - statSync(join(captured, a)).mtimeMs)[0]!;
        const config = JSON.parse(readFileSync(join(captured, newest), 'utf8'));
        const theirs = config.linux.seccomp as SeccompProfile;
        const ours = dockerDefaultProfile(config.process.capabilities.bounding);
        const what = `docker run ${flags.join(' ')}`;
        assert.equal(ours.defaultAction, theirs.defaultAction, what);
        assert.deepEqual(ruleSet(ours), ruleSet(theirs), what);
        assert.deepEqual(theirs.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'], 'Docker lists the 32-bit gates too; we compile x86_64 and kill the rest');
      }
    } finally {
      await dockerd.stop();
      lab.close();
    }
  });

  it('runs a container: what capabilities allow, seccomp still refuses — and runc agrees', () => {
    const lab = new Lab('seccomp-docker-run');
    try {
      const script = 'unshare -U true 2>&1; echo "unshare: $?"; ls -d /etc; grep -c . /proc/self/status >/dev/null && echo status read';
      const without = lab.bundle(sh(script));
      const plain = lab.runtime(['run', lab.newId('plain'), '--bundle', without.dir]);
      assert.equal(plain.stdout, 'unshare: 0\n/etc\nstatus read\n', 'without a filter, root may make a user namespace');
      const bundle = lab.bundle(sh(script), (spec) => {
        (spec.linux as Record<string, unknown>).seccomp = dockerDefaultProfile(spec.process.capabilities!.bounding!);
      });
      const ours = lab.runtime(['run', lab.newId('docker'), '--bundle', bundle.dir]);
      assert.equal(ours.stdout, 'unshare: unshare(0x10000000): Operation not permitted\nunshare: 1\n/etc\nstatus read\n', ours.stderr);
      const runcRoot = join(lab.dir, 'runc-state');
      const r = spawnSync('runc', ['--root', runcRoot, 'run', '--bundle', bundle.dir, lab.newId('runc')], { encoding: 'utf8', input: '', timeout: 60_000 });
      assert.deepEqual({ code: ours.code, stdout: ours.stdout }, { code: r.status, stdout: r.stdout }, 'same as runc');
    } finally {
      lab.close();
    }
  });
});

/** A profile's rules as a set of one-name rules, in a form that compares (valueTwo 0 when left out, as in the spec). */
function ruleSet(p: SeccompProfile): string[] {
  const rules = (p.syscalls ?? []).flatMap((rule) =>
    rule.names.map((name) => JSON.stringify([name, rule.action, rule.errnoRet ?? null, (rule.args ?? []).map((a) => [a.index, a.value, a.valueTwo ?? 0, a.op])])),
  );
  return [...new Set(rules)].sort();
}
