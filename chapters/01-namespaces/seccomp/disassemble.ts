// disassemble.ts — a BPF program read back, one instruction a line.

import { AUDIT_ARCH_X86_64, DATA, OP, RET, RET_ACTION_FULL, RET_DATA, X32_SYSCALL_BIT, type Instruction } from './bpf.js';
import { SYSCALLS_X86_64 } from './syscalls-x86_64.js';

// #region disassemble
const SYSCALL_NAMES = new Map([...SYSCALLS_X86_64].map(([name, nr]) => [nr, name]));
const VERDICT_NAMES = new Map(Object.entries(RET).map(([name, value]) => [value >>> 0, name]));
const MNEMONICS = new Map<number, string>([[OP.LD_ABS, 'ld'], [OP.AND, 'and'], [OP.JEQ, 'jeq'], [OP.JGT, 'jgt'], [OP.JGE, 'jge'], [OP.RET, 'ret']]);

/**
 * In the style of `tcpdump -d`: the instruction's number, the mnemonic, the
 * operand, absolute jump targets; then, after a `;`, what the numbers mean.
 * What a comparison's operand means depends on what was loaded last.
 */
export function disassemble(program: readonly Instruction[]): string[] {
  let loaded = '';
  return program.map(({ code, jt, jf, k }, pc) => {
    const op = MNEMONICS.get(code) ?? `op 0x${code.toString(16)}`;
    let text = `${op.padEnd(4)}#0x${k.toString(16)}`;
    let note = '';
    if (code === OP.LD_ABS) [text, note, loaded] = [`ld  [${k}]`, fieldName(k), fieldName(k)];
    if (code === OP.RET) note = verdictName(k);
    if (code === OP.JEQ || code === OP.JGT || code === OP.JGE) {
      if (loaded === 'nr' && k < 0x10000) text = `${op.padEnd(4)}#${k}`;
      text = `${text.padEnd(16)}${`jt ${pc + 1 + jt}`.padEnd(7)}jf ${pc + 1 + jf}`;
      note = operandName(loaded, k);
    }
    const line = `(${String(pc).padStart(3, '0')}) ${text}`;
    return note ? `${line.padEnd(40)}; ${note}` : line;
  });
}
// #endregion disassemble

// #region names

function fieldName(offset: number): string {
  if (offset === DATA.nr) return 'nr';
  if (offset === DATA.arch) return 'arch';
  const index = Math.floor((offset - DATA.argLow(0)) / 8);
  return `args[${index}] ${offset === DATA.argHigh(index) ? 'high' : 'low'} half`;
}

function operandName(loaded: string, k: number): string {
  if (loaded === 'arch' && k === AUDIT_ARCH_X86_64) return 'AUDIT_ARCH_X86_64';
  if (loaded === 'nr' && k === X32_SYSCALL_BIT) return 'X32_SYSCALL_BIT';
  if (loaded === 'nr') return SYSCALL_NAMES.get(k) ?? (k === 0xffffffff ? '-1' : '');
  return '';
}

function verdictName(k: number): string {
  const action = VERDICT_NAMES.get((k & RET_ACTION_FULL) >>> 0) ?? 'KILL_PROCESS';
  const data = k & RET_DATA;
  return action === 'ERRNO' || action === 'TRACE' ? `${action}(${data})` : action;
}
// #endregion names
