#!/usr/bin/env node
// main.ts — the shim process: `node shim/main.js <socket>`.

import { appendFileSync, writeSync } from 'node:fs';
import { Socket } from 'node:net';
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

// A path that cannot be listened on (its directory removed, as a stopping
// daemon's may be while a spare boots) leaves nobody a way in: end now.
await server.listen(socketPath).catch(() => server.abandon());
// fd 3 is the launcher's (a socket pair): "ready" means "connect now", and
// the launcher closes its end once it has connected. Closed with no owner,
// it says the launcher is gone (a daemon that exited while this spare
// booted), and nobody will ever connect. Run by hand, there is no fd 3.
try {
  writeSync(3, 'ready\n');
  const launcher = new Socket({ fd: 3, readable: true, writable: false });
  launcher.on('error', () => launcher.destroy()).once('close', () => server.launcherGone()).resume();
} catch (err) {
  if ((err as NodeJS.ErrnoException).code === 'EPIPE') await server.abandon();
}
// #endregion main
