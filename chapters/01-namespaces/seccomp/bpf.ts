// bpf.ts — classic BPF, the little machine a seccomp filter is written for.

// #region instruction
/**
 * One instruction, as the kernel reads it: `struct sock_filter` of
 * <linux/filter.h>, 8 bytes — a 16-bit opcode, two 8-bit jump offsets
 * (taken when the test is true, when it is false: counted in instructions
 * after this one, so jumps only go forward) and a 32-bit operand `k`.
 */
export interface Instruction {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

/** The opcodes a seccomp filter needs, each a sum of class, size/operation and source bits (<linux/bpf_common.h>). */
export const OP = {
  /** A = 32-bit word at offset k of struct seccomp_data (BPF_LD | BPF_W | BPF_ABS). */
  LD_ABS: 0x20,
  /** A &= k (BPF_ALU | BPF_AND | BPF_K). */
  AND: 0x54,
  /** if (A == k) skip jt, else skip jf (BPF_JMP | BPF_JEQ | BPF_K); JGT and JGE compare unsigned. */
  JEQ: 0x15,
  JGT: 0x25,
  JGE: 0x35,
  /** End the filter with verdict k (BPF_RET | BPF_K). */
  RET: 0x06,
} as const;

/** The kernel refuses longer programs (BPF_MAXINSNS, <linux/bpf_common.h>). */
export const MAX_INSTRUCTIONS = 4096;
// #endregion instruction

// #region encode
/** struct sock_filter[], as seccomp(2) takes it: little-endian, 8 bytes each. */
export function encode(program: readonly Instruction[]): Buffer {
  const bytes = Buffer.alloc(program.length * 8);
  program.forEach(({ code, jt, jf, k }, i) => {
    bytes.writeUInt16LE(code, i * 8);
    bytes.writeUInt8(jt, i * 8 + 2);
    bytes.writeUInt8(jf, i * 8 + 3);
    bytes.writeUInt32LE(k >>> 0, i * 8 + 4);
  });
  return bytes;
}

/** The reverse of encode: what a program's bytes say. */
export function decode(bytes: Buffer): Instruction[] {
  const program: Instruction[] = [];
  for (let at = 0; at + 8 <= bytes.length; at += 8) {
    program.push({ code: bytes.readUInt16LE(at), jt: bytes[at + 2]!, jf: bytes[at + 3]!, k: bytes.readUInt32LE(at + 4) });
  }
  return program;
}
// #endregion encode

// #region seccomp-data
/**
 * What the filter reads: `struct seccomp_data` (<linux/seccomp.h>), the
 * system call the thread is making. Arguments are 64 bits wide but BPF
 * loads 32 at a time; on little-endian x86_64 the low half comes first.
 */
export const DATA = {
  nr: 0,
  arch: 4,
  argLow: (index: number) => 16 + 8 * index,
  argHigh: (index: number) => 20 + 8 * index,
} as const;

/** <linux/audit.h>: EM_X86_64 with the 64-bit and little-endian bits. */
export const AUDIT_ARCH_X86_64 = 0xc000003e;
/** x32 system calls are x86_64's with this bit set (<asm/unistd.h>). */
export const X32_SYSCALL_BIT = 0x40000000;
// #endregion seccomp-data

// #region verdicts
/**
 * A filter's verdict (SECCOMP_RET_*, <linux/seccomp.h>): the action in the
 * high 16 bits, data (an errno, a value for the tracer) in the low 16.
 * When several filters are installed, the kernel runs them all and keeps
 * the verdict that comes first in this list, the most severe.
 */
export const RET = {
  KILL_PROCESS: 0x80000000,
  KILL_THREAD: 0x00000000,
  TRAP: 0x00030000,
  ERRNO: 0x00050000,
  USER_NOTIF: 0x7fc00000,
  TRACE: 0x7ff00000,
  LOG: 0x7ffc0000,
  ALLOW: 0x7fff0000,
} as const;

export const RET_ACTION_FULL = 0xffff0000;
export const RET_DATA = 0x0000ffff;

/** Lower is more severe: the order the kernel uses to pick among verdicts. */
export function severity(verdict: number): number {
  const action = (verdict & RET_ACTION_FULL) >>> 0;
  const order: number[] = [RET.KILL_PROCESS, RET.KILL_THREAD, RET.TRAP, RET.ERRNO, RET.USER_NOTIF, RET.TRACE, RET.LOG, RET.ALLOW];
  const index = order.indexOf(action);
  return index < 0 ? 0 : index; // an unknown action is treated as KILL_PROCESS by the kernel
}
// #endregion verdicts
