// errors.ts — the one kind of error a user of the runtime sees.
//
// A runtime fails in many places (a bad config.json, a missing program, a
// syscall the kernel refused), but the person at the terminal should always
// get one line that names the problem and an exit code a script can test.
// Everything that is the user's fault or the machine's refusal becomes a
// RuntimeError; the executable prints `skiff-runtime: <message>` and exits
// with `exitCode`.

// #region runtime-error
export class RuntimeError extends Error {
  constructor(
    message: string,
    /** 127: program not found, 126: not executable, as shells do; 1 otherwise. */
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'RuntimeError';
  }
}
// #endregion runtime-error
