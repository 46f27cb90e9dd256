// A classic BPF interpreter for seccomp programs, written from the kernel's
// rules (Documentation/userspace-api/seccomp_filter.rst, net/core/filter.c)
// and not from the compiler's: it reads the raw struct sock_filter bytes,
// refuses what the kernel would refuse (a jump out of the program, a load
// outside struct seccomp_data, an opcode a seccomp filter may not use,
// falling off the end), and returns the verdict for one system call.

/** One system call as a filter sees it. Arguments are unsigned 64-bit. */
export interface SyscallEvent {
  arch: number;
  nr: number;
  args?: bigint[];
}

export const AUDIT_ARCH_X86_64 = 0xc000003e;
export const AUDIT_ARCH_I386 = 0x40000003;

const SECCOMP_DATA_SIZE = 64; // nr, arch, instruction_pointer, args[6]

interface Raw {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

function decodeRaw(bytes: Buffer): Raw[] {
  if (bytes.length === 0 || bytes.length % 8 !== 0) throw new Error(`a program is a whole number of 8-byte instructions, not ${bytes.length} bytes`);
  const program: Raw[] = [];
  for (let at = 0; at < bytes.length; at += 8) {
    program.push({ code: bytes.readUInt16LE(at), jt: bytes.readUInt8(at + 2), jf: bytes.readUInt8(at + 3), k: bytes.readUInt32LE(at + 4) });
  }
  return program;
}

function seccompData({ arch, nr, args = [] }: SyscallEvent): Buffer {
  const data = Buffer.alloc(SECCOMP_DATA_SIZE);
  data.writeUInt32LE(nr >>> 0, 0);
  data.writeUInt32LE(arch >>> 0, 4);
  data.writeBigUInt64LE(0x401000n, 8);
  args.forEach((arg, i) => data.writeBigUInt64LE(BigInt.asUintN(64, arg), 16 + 8 * i));
  return data;
}

/** Runs `bytes` (struct sock_filter[]) on one system call; returns the 32-bit verdict. */
export function runFilter(bytes: Buffer, event: SyscallEvent): number {
  const program = decodeRaw(bytes);
  const data = seccompData(event);
  let a = 0;
  for (let pc = 0; pc < program.length; pc++) {
    const { code, jt, jf, k } = program[pc]!;
    const jumpTo = (taken: boolean) => {
      const target = pc + 1 + (taken ? jt : jf);
      if (target >= program.length) throw new Error(`instruction ${pc} jumps past the end`);
      pc = target - 1;
    };
    switch (code) {
      case 0x20: // ld [k]
        if (k % 4 !== 0 || k + 4 > SECCOMP_DATA_SIZE) throw new Error(`instruction ${pc} loads outside seccomp_data: ${k}`);
        a = data.readUInt32LE(k);
        break;
      case 0x54: // and #k
        a = (a & k) >>> 0;
        break;
      case 0x15: // jeq #k
        jumpTo(a === k);
        break;
      case 0x25: // jgt #k
        jumpTo(a > k);
        break;
      case 0x35: // jge #k
        jumpTo(a >= k);
        break;
      case 0x06: // ret #k
        return k;
      default:
        throw new Error(`instruction ${pc}: opcode 0x${code.toString(16)} is not one this interpreter (or our compiler) knows`);
    }
  }
  throw new Error('the program fell off its end without a ret');
}

/** SECCOMP_RET_* verdicts, to write expectations in. */
export const VERDICT = {
  KILL_PROCESS: 0x80000000,
  KILL_THREAD: 0,
  TRAP: 0x00030000,
  errno: (e: number) => (0x00050000 | e) >>> 0,
  trace: (data: number) => (0x7ff00000 | data) >>> 0,
  LOG: 0x7ffc0000,
  ALLOW: 0x7fff0000,
} as const;
