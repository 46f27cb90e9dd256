// The network section's mechanism against the kernel: a bridge, a veth pair
// per network namespace, addresses from a pool on disk. Two namespaces on
// one bridge reach each other; forwarding stays off; the pool never gives an
// address twice, keeps its state across a reopen and frees on release; and
// nothing is left once the namespaces and the bridge go.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AddressPool, ensureBridge, linkNames, macFor, parseSubnet, plugIn, removeBridge } from '../../chapters/01-namespaces/index.ts';

const dir = mkdtempSync('/tmp/skiff-net-');
const bridge = `skt${process.pid % 100000}`;
const SUBNET = '10.213.251.0/24';
const GATEWAY = '10.213.251.1';
const holders: ChildProcess[] = [];

/** A process alone in a fresh network namespace (unshare(1) -n), to plug in. */
async function namespace(): Promise<number> {
  const child = spawn('unshare', ['-n', 'sleep', '60'], { stdio: 'ignore' });
  holders.push(child);
  await sleep(100);
  return child.pid!;
}

after(async () => {
  for (const h of holders) h.kill('SIGKILL');
  await removeBridge(bridge);
  rmSync(dir, { recursive: true, force: true });
});

test('the pool hands out each address once, remembers across a reopen, frees on release', () => {
  const file = join(dir, 'pool.json');
  const subnet = parseSubnet('10.213.252.0/29');
  const pool = AddressPool.open(file, subnet, '10.213.252.1');
  const given = ['a', 'b', 'c', 'd', 'e'].map((owner) => pool.allocate(owner));
  assert.deepEqual(given, ['10.213.252.2', '10.213.252.3', '10.213.252.4', '10.213.252.5', '10.213.252.6']);
  assert.throws(() => pool.allocate('f'), /no available IPv4 addresses/);
  const reopened = AddressPool.open(file, subnet, '10.213.252.1');
  assert.throws(() => reopened.allocate('f', '10.213.252.3'), /Address already in use/);
  reopened.release('b');
  assert.equal(reopened.allocate('f'), '10.213.252.3');
  reopened.retain((owner) => owner !== 'a');
  assert.equal(JSON.parse(readFileSync(file, 'utf8')).allocated['10.213.252.2'], undefined);
});

test('two namespaces on one bridge reach each other; the veths go with the namespaces', async () => {
  await ensureBridge(bridge, GATEWAY, 24);
  assert.equal(readFileSync(`/proc/sys/net/ipv4/conf/${bridge}/forwarding`, 'utf8').trim(), '0');
  const pool = AddressPool.open(join(dir, 'bridge.json'), parseSubnet(SUBNET), GATEWAY);
  const ends: string[] = [];
  for (const owner of ['one', 'two']) {
    const pid = await namespace();
    const address = pool.allocate(owner);
    const hostName = `v${bridge}${owner[0]}`;
    ends.push(hostName);
    await plugIn({ bridge, hostName, name: 'eth0', pid, address, prefix: 24, mac: macFor(address), gateway: GATEWAY });
  }
  const [first] = holders;
  const route = spawnSync('nsenter', [`--net=/proc/${first!.pid}/ns/net`, 'ip', 'route'], { encoding: 'utf8' }).stdout;
  assert.match(route, new RegExp(`default via ${GATEWAY} dev eth0`));
  // A refused connection from the first to the second: the packet crossed the bridge and the peer answered.
  const probe = spawnSync('nsenter', [`--net=/proc/${first!.pid}/ns/net`, 'node', '-e',
    "require('net').connect(9,'10.213.251.3').on('error',e=>{console.log(e.code);process.exit(0)})"], { encoding: 'utf8', timeout: 5000 });
  assert.equal(probe.stdout.trim(), 'ECONNREFUSED', 'a refused connection: the peer is there, and nothing listens');
  for (const h of holders) h.kill('SIGKILL');
  await sleep(300);
  const left = await linkNames();
  for (const end of ends) assert.ok(!left.includes(end), `${end} is gone with its namespace`);
  await removeBridge(bridge);
  assert.ok(!(await linkNames()).includes(bridge));
});
