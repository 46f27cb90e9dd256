#!/usr/bin/env node
// main.ts — the shim process: `node shim/main.js <socket>`.
//
// Started by the daemon (or by its pool, ahead of time), detached into a
// session of its own so that no signal meant for the daemon's process
// group reaches it. It starts its container's init at once, listens on the
// socket it was given, says so on fd 3, and from then on only answers
// requests (server.ts). Its imports are kept to chapter 01's library and
// the few files of this folder it needs; the log reader and the client
// are not among them.

import { appendFileSync, closeSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { prestart } from './container.js';
import { BACKGROUND, renice } from './niceness.js';
import { ShimServer } from './server.js';

// #region main
const [socketPath, mode] = process.argv.slice(2);
if (!socketPath) {
  process.stderr.write('usage: shim <socket path> [--background]\n');
  process.exit(2);
}
// A spare shim for the pool boots in the background (niceness.ts), its init with it.
if (mode === '--background') renice(process.pid, BACKGROUND);

const server = new ShimServer(prestart());

// A bug in the shim must not take the container down with it: say what
// happened where the daemon's operator will look, and carry on.
process.on('uncaughtException', (err) => {
  const text = `${new Date().toISOString()} shim: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`;
  try {
    if (server.dir) appendFileSync(join(server.dir, 'shim.log'), text);
    else process.stderr.write(text);
  } catch {
    // nowhere to write: carry on regardless
  }
});

await server.listen(socketPath);
// fd 3 is the launcher's: "ready" means "connect now". Run by hand, there is none.
try {
  writeSync(3, 'ready\n');
  closeSync(3);
} catch {
  // not started by a launcher
}
// #endregion main
