// terminal.ts — a pseudo-terminal between the user and the container (`man 7 pty`).

import { chownSync, closeSync, constants, openSync, read, write } from 'node:fs';
import { dirname } from 'node:path';
import { Duplex } from 'node:stream';
import { ReadStream } from 'node:tty';
import { dup2, ioctlBuffer, ioctlInt } from './libc.js';

// #region attach-console
const TIOCGPTN = 0x80045430; // get the pty number of a master
const TIOCSPTLCK = 0x40045431; // lock or unlock its slave
const TIOCSCTTY = 0x540e; // make a terminal our controlling terminal

/**
 * Init's side, inside the container: open a new pty from the container's
 * own devpts (`man 4 pts`: opening ptmx makes a master, its slave appears
 * as pts/N once unlocked), make the slave the controlling terminal of our
 * session (we are a session leader: init is spawned detached, which calls
 * setsid), and make it fds 0, 1 and 2. The parent takes the master.
 */
export function attachConsole(ptmx: string, owner: number): { master: number; slavePath: string } {
  const master = openSync(ptmx, constants.O_RDWR | constants.O_NOCTTY);
  const number = Buffer.alloc(4);
  ioctlBuffer(master, TIOCGPTN, number);
  ioctlBuffer(master, TIOCSPTLCK, Buffer.alloc(4)); // 0: unlocked
  const slavePath = `${dirname(ptmx)}/${number.readUInt32LE(0)}`;
  chownSync(slavePath, owner, -1); // the program may not be root; it must still own its terminal
  const slave = openSync(slavePath, constants.O_RDWR);
  ioctlInt(slave, TIOCSCTTY, 0);
  for (const target of [0, 1, 2]) dup2(slave, target);
  if (slave > 2) closeSync(slave);
  return { master, slavePath };
}
// #endregion attach-console

// #region window-size
const TIOCSWINSZ = 0x5414; // set a terminal's window size

/** struct winsize: rows, columns, then two unused pixel sizes, all unsigned short. */
export function setWindowSize(master: number, rows: number, columns: number): void {
  const winsize = Buffer.alloc(8);
  winsize.writeUInt16LE(rows, 0);
  winsize.writeUInt16LE(columns, 2);
  ioctlBuffer(master, TIOCSWINSZ, winsize);
}

/** Give the pty the size of our own terminal, if we have one. */
export function copyWindowSize(master: number): void {
  if (process.stdout.isTTY) setWindowSize(master, process.stdout.rows, process.stdout.columns);
}
// #endregion window-size

// #region pass-output-through
const TCGETS = 0x5401; // ioctl_tty(2): read and write a terminal's settings, a struct termios
const TCSETS = 0x5402;
const TERMIOS_SIZE = 36; // the kernel's struct termios: four 32-bit flag words, c_line, 19 control chars
const OPOST = 0o1; // in c_oflag, the second word: process output at all (ONLCR and the rest)

/**
 * Node's raw mode (libuv's) turns the terminal's input processing off but
 * leaves output processing on, with ONLCR: every "\n" written becomes
 * "\r\n". The container's pty has already translated what its program
 * wrote, as that program's terminal settings said (`stty -onlcr` inside
 * turns it off), so a second translation would print "\r\r\n" for every
 * line. Clearing OPOST on our side, as cfmakeraw(3) does and runc with it,
 * lets the bytes through untouched. Returns how to put the settings back.
 */
function passOutputThrough(fd: number): () => void {
  const saved = Buffer.alloc(TERMIOS_SIZE);
  ioctlBuffer(fd, TCGETS, saved);
  const raw = Buffer.from(saved);
  raw.writeUInt32LE(raw.readUInt32LE(4) & ~OPOST, 4);
  ioctlBuffer(fd, TCSETS, raw);
  return () => ioctlBuffer(fd, TCSETS, saved);
}
// #endregion pass-output-through

// #region relay
export interface Relay {
  /** Resolves when the container side is closed and all its output is written. */
  drained: Promise<void>;
  /** Put the user's terminal back the way it was. */
  stop(): void;
}

/**
 * The runtime's side: raw mode on (input and output), the window size
 * copied on every SIGWINCH, stdin into the master and the master out to
 * stdout. Reading the master fails with EIO once every slave is closed,
 * which is how we learn the program is gone.
 */
export function relayTerminal(master: number): Relay {
  const stdin = process.stdin;
  const raw = stdin.isTTY === true;
  if (raw) stdin.setRawMode(true);
  const restoreOutput = process.stdout.isTTY ? passOutputThrough(1) : undefined;
  const resize = () => copyWindowSize(master);
  process.on('SIGWINCH', resize);

  const onInput = (chunk: Buffer) => write(master, chunk, () => {});
  stdin.on('data', onInput);
  stdin.resume();
  // #endregion relay

  // #region relay-drain
  const drained = new Promise<void>((done) => {
    const buf = Buffer.alloc(65536);
    const pump = () =>
      read(master, buf, 0, buf.length, null, (err, n) => {
        if (err || n === 0) return done();
        process.stdout.write(Buffer.from(buf.subarray(0, n)), pump);
      });
    pump();
  });

  return {
    drained,
    stop() {
      process.off('SIGWINCH', resize);
      stdin.off('data', onInput);
      restoreOutput?.(); // undone in the reverse order of doing
      if (raw) stdin.setRawMode(false);
      stdin.pause();
      stdin.unref?.();
    },
  };
}
// #endregion relay-drain

// #region console-stream
export interface ConsoleStream extends Duplex {
  /** Sets the window size while the master is open; after that, nothing (its number may be another file's by then). */
  resize(rows: number, columns: number): void;
}

/**
 * The master as a stream, for a process that holds the terminal for
 * someone else (a daemon, rather than a user at a keyboard): writes are
 * typed into the terminal, reads are what the program printed. Node's
 * tty.ReadStream reads and writes a terminal on the event loop, and owns
 * the descriptor from then on; we change one thing about it: reading a
 * master whose slaves are all closed fails with EIO (`man 7 pty`), which
 * for us is the end of the output, not an error. `end()` sends nothing: a
 * terminal has no end of input, only the ^D a program may read as one.
 */
export function consoleStream(master: number): ConsoleStream {
  const terminal = new ReadStream(master);
  const stream = new Duplex({
    read: () => void terminal.resume(),
    write: (chunk: Buffer, _encoding, done) => void terminal.write(chunk, done),
    final: (done) => done(),
    destroy: (err, done) => {
      terminal.destroy();
      done(err);
    },
  });
  terminal.on('data', (chunk: Buffer) => {
    if (!stream.push(chunk)) terminal.pause();
  });
  terminal.on('end', () => stream.push(null));
  terminal.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EIO' ? stream.push(null) : stream.destroy(err)));
  const resize = (rows: number, columns: number) => {
    if (!terminal.destroyed) setWindowSize(master, rows, columns);
  };
  return Object.assign(stream, { resize });
}
// #endregion console-stream
