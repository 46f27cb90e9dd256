#!/usr/bin/env node
// main.ts — the shim process: `node shim/main.js <socket>`.

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
} catch (err) {
  // EPIPE: the launcher is gone (a daemon that exited while this spare
  // booted), so nobody will connect. EBADF: run by hand, with no launcher.
  if ((err as NodeJS.ErrnoException).code === 'EPIPE') await server.abandon();
}
// #endregion main
