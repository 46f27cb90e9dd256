// The userland proxy of a published port (chapter 03's networks section),
// measured against a direct connection on loopback: the same bytes sent to a
// sink that counts them, once straight to the sink and once through a proxy
// listening on another port — as a client of a published port reaches a
// container through skiffd. Prints the throughput of each and their ratio.
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { startProxy } from '../dist/chapters/03-daemon/networks/index.js';
import { median } from './lib/measure.ts';

const BYTES = Number(process.env.BENCH_PROXY_MB ?? 256) * 1024 * 1024;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const chunk = Buffer.alloc(1 << 16, 7);

/** A server that reads everything and answers with the count when the client ends. */
const sink = createServer((s) => {
  let n = 0;
  s.on('data', (d: Buffer) => (n += d.length)).on('end', () => s.end(String(n)));
});
await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
const sinkPort = (sink.address() as AddressInfo).port;
const proxy = await startProxy({ key: `${sinkPort}/tcp`, port: sinkPort, proto: 'tcp', hostIp: '127.0.0.1', hostPort: 0 }, '127.0.0.1');

/** MB/s for BYTES sent to `port`, the sink's count checked. */
function send(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      let sent = 0;
      const write = () => {
        while (sent < BYTES) {
          sent += chunk.length;
          if (!socket.write(chunk)) return void socket.once('drain', write);
        }
        socket.end();
      };
      write();
    });
    let reply = '';
    socket.setEncoding('utf8').on('data', (d: string) => (reply += d)).on('error', reject).on('close', () => {
      if (Number(reply) !== BYTES) return reject(new Error(`the sink counted ${reply} bytes of ${BYTES}`));
      resolve(BYTES / 1024 / 1024 / (Number(process.hrtime.bigint() - started) / 1e9));
    });
  });
}

const direct: number[] = [];
const proxied: number[] = [];
for (let i = 0; i < RUNS; i++) {
  direct.push(await send(sinkPort));
  proxied.push(await send(proxy.hostPort));
}
proxy.close();
sink.close();
const [d, p] = [median(direct), median(proxied)];
console.log(`\nPublished port: ${BYTES / 1024 / 1024} MB over loopback, median of ${RUNS} runs`);
console.log(`  direct to the listener     ${d.toFixed(0).padStart(6)} MB/s`);
console.log(`  through the userland proxy ${p.toFixed(0).padStart(6)} MB/s   (${(p / d).toFixed(2)}× direct)`);
