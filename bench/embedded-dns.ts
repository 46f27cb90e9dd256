// What the embedded DNS server costs a container's start (chapter 03's
// networks section): the sockets on 127.0.0.11:53 opened in a network
// namespace by the daemon's helper process. "cold" starts a helper and asks
// it once — what a container would pay if each had a helper of its own;
// "warm" asks the helper the daemon keeps — what each container pays. The
// namespace is one this benchmark makes (`unshare --net`), its loopback up.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { NetnsSockets } from '../dist/chapters/03-daemon/networks/index.js';
import { median } from './lib/measure.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const holder = spawn('unshare', ['--net', 'sh', '-c', 'ip link set lo up && exec sleep 600'], { stdio: 'ignore' });
while (!readFileSync(`/proc/${holder.pid}/cmdline`, 'utf8').startsWith('sleep')) await sleep(10);

/** Milliseconds for one pair of sockets from `helper`, closed again at once. */
async function once(helper: NetnsSockets): Promise<number> {
  const started = performance.now();
  const { udp, tcp } = await helper.open(holder.pid!, '127.0.0.11', 53);
  const took = performance.now() - started;
  udp.close();
  await new Promise((r) => tcp.close(r));
  return took;
}

const cold: number[] = [];
for (let i = 0; i < Math.min(RUNS, 10); i++) {
  const helper = new NetnsSockets();
  cold.push(await once(helper));
  helper.close();
}
const helper = new NetnsSockets();
await once(helper);
const warm: number[] = [];
for (let i = 0; i < RUNS; i++) warm.push(await once(helper));
helper.close();
holder.kill();

console.log(`\nEmbedded DNS: a UDP socket and a TCP listener on 127.0.0.11:53 in a container's namespace, median`);
console.log(`  a new helper process each time  ${median(cold).toFixed(1).padStart(7)} ms  (${cold.length} runs)`);
console.log(`  the daemon's long-lived helper  ${median(warm).toFixed(1).padStart(7)} ms  (${warm.length} runs)`);
