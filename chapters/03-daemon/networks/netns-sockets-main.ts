// netns-sockets-main.ts — a helper process of the daemon: it opens sockets inside containers' network namespaces and hands them over.

import { createSocket, type Socket } from 'node:dgram';
import { closeSync, openSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { CLONE, setns } from '../../01-namespaces/index.js';
import type { OpenRequest, OpenReply } from './netns-sockets.js';

// #region helper-loop
/**
 * setns(2) moves only the calling thread, and a socket belongs for life to
 * the namespace of the thread that created it. So: the main thread steps
 * into the container's namespace, binds, steps back home — one request at a
 * time, since nothing else may run on the thread while it is away. The
 * sockets go to the daemon over the IPC channel (SCM_RIGHTS, unix(7)); the
 * helper's own copies are then closed. When the daemon goes, even by
 * SIGKILL, the channel closes and the helper ends with it.
 */
const home = openSync('/proc/thread-self/ns/net', 'r');
let queue = Promise.resolve();

process.on('disconnect', () => process.exit(0));
process.on('message', (request: OpenRequest) => {
  queue = queue.then(() => serve(request)).catch((err: Error) => void process.stderr.write(`netns sockets: ${err.message}\n`));
});

async function serve({ id, pid, address, port }: OpenRequest): Promise<void> {
  let opened: { udp: Socket; tcp: Server } | undefined;
  try {
    opened = await inNamespace(`/proc/${pid}/ns/net`, async () => ({ udp: await bindUdp(address, port), tcp: await listenTcp(address, port) }));
  } catch (err) {
    return send({ id, error: (err as Error).message });
  }
  await send({ id, kind: 'udp' }, opened.udp);
  await send({ id, kind: 'tcp' }, opened.tcp);
  opened.udp.close();
  opened.tcp.close();
}
// #endregion helper-loop

// #region helper-setns
/** Runs `open` with the main thread in the network namespace at `path`, and always comes back. */
async function inNamespace<T>(path: string, open: () => Promise<T>): Promise<T> {
  const fd = openSync(path, 'r');
  try {
    setns(fd, CLONE.NEWNET);
    return await open();
  } finally {
    setns(home, CLONE.NEWNET);
    closeSync(fd);
  }
}

function bindUdp(address: string, port: number): Promise<Socket> {
  const socket = createSocket('udp4');
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, address, () => (socket.off('error', reject), resolve(socket)));
  });
}

function listenTcp(address: string, port: number): Promise<Server> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => (server.off('error', reject), resolve(server)));
  });
}

function send(reply: OpenReply, handle?: Socket | Server): Promise<void> {
  return new Promise((resolve) => process.send!(reply, handle, () => resolve()));
}
// #endregion helper-setns
