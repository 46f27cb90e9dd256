// output-pipe.ts — a descriptor a container can write to, read back as text.
//
// A RUN step's output belongs in the build's JSON stream, but chapter 01's
// runtime hands a container file descriptors, not Node streams. Node has no
// pipe(2), so a named pipe (man 7 fifo) stands in: the child gets the write
// end, the daemon reads the other end as a socket. Opening the read end
// with O_NONBLOCK first lets the write end open without blocking.

import { spawnSync } from 'node:child_process';
import { closeSync, constants, openSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';

// #region output-pipe
export interface OutputPipe {
  /** The write end, to hand to a process. */
  fd: number;
  /** Closes our copy of the write end and waits until everything written has been read. */
  close(): Promise<void>;
}

export function outputPipe(path: string, onText: (text: string) => void): OutputPipe {
  const made = spawnSync('mkfifo', ['-m', '600', path], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`mkfifo ${path}: ${made.stderr.trim()}`);
  const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const fd = openSync(path, constants.O_WRONLY);
  const reader = new Socket({ fd: readFd, readable: true, writable: false });
  const decoder = new StringDecoder('utf8');
  reader.on('data', (chunk: Buffer) => onText(decoder.write(chunk)));
  const drained = new Promise<void>((resolve) => reader.once('close', () => resolve()));
  reader.on('error', () => reader.destroy());
  return {
    fd,
    async close() {
      closeSync(fd);
      await drained;
      const rest = decoder.end();
      if (rest) onText(rest);
      rmSync(path, { force: true });
    },
  };
}
// #endregion output-pipe
