// terminal.ts — the local terminal while a container has it: raw mode, size, detach keys.
//
// With `-it` the container gets a pseudo-terminal of its own, and ours must
// stop interpreting keys: in raw mode (termios without ICANON, ECHO, ISIG —
// `man 3 termios`) every byte, ctrl-c included, goes to the container's pty,
// whose line discipline does the echoing and the signals. Raw mode must be
// undone on every way out — normal exit, an error, a signal — or the user's
// shell is left without echo. The window's size follows SIGWINCH to the
// daemon's resize endpoint. Detaching is a key sequence, ctrl-p ctrl-q by
// default, recognised here as the docker CLI's escape proxy does.

// #region raw-mode
/** Puts stdin in raw mode if it is a terminal; the returned function restores it, once, whatever happens. */
export function rawMode(): () => void {
  const stdin = process.stdin;
  if (!stdin.isTTY) return () => {};
  stdin.setRawMode(true);
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    stdin.setRawMode(false);
    process.off('exit', restore);
  };
  // process.exit() runs 'exit' listeners synchronously: the terminal is
  // restored even when a command ends by exiting.
  process.on('exit', restore);
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) process.once(signal, () => (restore(), process.exit(128 + (signal === 'SIGTERM' ? 15 : 1))));
  return restore;
}

/** The terminal's size, `[rows, columns]`, or undefined when stdout is not one. */
export function terminalSize(): [number, number] | undefined {
  const out = process.stdout;
  return out.isTTY && out.rows && out.columns ? [out.rows, out.columns] : undefined;
}

/** Calls `resize` now and on every SIGWINCH; the returned function stops following. */
export function followSize(resize: (size: { height: number; width: number }) => Promise<void>): () => void {
  const send = () => {
    const size = terminalSize();
    if (size) resize({ height: size[0], width: size[1] }).catch(() => {});
  };
  send();
  process.stdout.on('resize', send);
  return () => process.stdout.off('resize', send);
}
// #endregion raw-mode

// #region detach-keys
/** `ctrl-p,ctrl-q` → [0x10, 0x11]: `ctrl-X` is X's code & 0x1f, a single character stands for itself. */
export function parseDetachKeys(text: string): number[] {
  return text.split(',').map((key) => {
    const k = key.trim().toLowerCase();
    if (k.length === 1) return k.charCodeAt(0);
    const m = /^ctrl-([a-z@[\\\]^_])$/.exec(k);
    if (!m) throw new Error(`Invalid detach keys (${text}) provided`);
    return m[1]!.toUpperCase().charCodeAt(0) & 0x1f;
  });
}

/**
 * Watches input for the detach sequence. Bytes that might start it are held
 * back until the next byte decides; on the whole sequence, `onDetach` runs and
 * those bytes never reach the container.
 */
export function detachFilter(keys: number[], onDetach: () => void): (chunk: Buffer) => Buffer {
  let matched = 0;
  return (chunk) => {
    const out: number[] = [];
    for (const byte of chunk) {
      if (byte === keys[matched]) {
        matched++;
        if (matched === keys.length) {
          matched = 0;
          onDetach();
          return Buffer.from(out);
        }
        continue;
      }
      out.push(...keys.slice(0, matched));
      matched = byte === keys[0] ? 1 : 0;
      if (!matched) out.push(byte);
    }
    return Buffer.from(out);
  };
}
// #endregion detach-keys
