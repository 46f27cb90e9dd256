// stdio.ts — a container's stdin, stdout and stderr, held by another process.
//
// A foreground `run` lends the container its own stdio. A daemon cannot:
// it must read what the container writes, keep it, and write into its
// stdin, for as long as the container lives. So it makes three pipes
// (`man 7 pipe`), gives init one end of each, and keeps the other as a
// stream. Real pipes, not the socket pairs of Node's `stdio: 'pipe'`:
// that is what a container gets from Docker, and what some programs
// insist on (opening /dev/stdout fails on a socket).

import { closeSync } from 'node:fs';
import { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import type { Stdio } from './init-process.js';
import { pipe } from './libc.js';

// #region pipes
export interface ContainerPipes {
  /** The container's ends, for `create` or `startExec`: its stdin (or /dev/null), stdout, stderr. */
  stdio: Stdio;
  /** Ours: what we write into its stdin (end() is EOF), and what it writes. */
  stdin?: Writable;
  stdout: Readable;
  stderr: Readable;
  /**
   * Close our copies of the container's ends, once init has been spawned
   * with its own. Until then, the output pipes would never report EOF: a
   * pipe ends when every write end is closed, ours included.
   */
  closeContainerEnds(): void;
}

/** Pipes for a container's stdio; without `stdin`, the container reads /dev/null. */
export function makePipes({ stdin }: { stdin: boolean }): ContainerPipes {
  const input = stdin ? pipe() : undefined;
  const output = pipe();
  const errors = pipe();
  // net.Socket takes a pipe's descriptor as it is (libuv's uv_pipe_open):
  // non-blocking reads and writes on the event loop, no thread per stream.
  const stream = (fd: number, readable: boolean) => new Socket({ fd, readable, writable: !readable });
  let ours = true;
  return {
    stdio: [input ? input[0] : 'ignore', output[1], errors[1]],
    stdin: input ? stream(input[1], false) : undefined,
    stdout: stream(output[0], true),
    stderr: stream(errors[0], true),
    closeContainerEnds() {
      if (!ours) return; // twice would close whatever reused the numbers
      ours = false;
      for (const fd of [input?.[0], output[1], errors[1]]) if (fd !== undefined) closeSync(fd);
    },
  };
}
// #endregion pipes
