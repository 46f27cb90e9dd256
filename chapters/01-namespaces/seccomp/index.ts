// index.ts — seccomp, as the rest of the runtime uses it.
//
// spec.ts checks linux.seccomp with the schema, the runtime compiles it
// for init, `skiff-runtime seccomp` prints what it compiles to, and the
// tests read the program back.

// #region exports
export { checkProfile, seccompSchema, type SeccompProfile } from './profile.js';
export { compileSeccomp, seccompFilterOf, type CompiledFilter, type SeccompFilter } from './compile.js';
export { disassemble } from './disassemble.js';
export { decode, encode, type Instruction } from './bpf.js';
export { SYSCALLS_X86_64 } from './syscalls-x86_64.js';
export { dockerDefaultProfile } from './docker-default.js';
// #endregion exports
