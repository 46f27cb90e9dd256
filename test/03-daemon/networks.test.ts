// Networks through skiffd, driven by the real docker CLI: user-defined
// bridge networks whose containers find each other by name and alias
// through the DNS server each has on 127.0.0.11 (UDP and TCP), which
// forwards other names to --dns only and is closed when the container
// stops; networks that cannot reach each other; an
// internal network with no way out; ports published on the host's loopback
// (TCP fixed and ephemeral, UDP); twenty containers started at once that
// never share an address; --dns, --add-host and --hostname in the files they
// shape; a default bridge reused with the address it has; and after a
// kill -9 of skiffd, names and ports back, no helper process of the old
// daemon left, and nothing left behind once containers and networks are
// removed. Every subnet lies in
// 10.213.0.0/16, each first checked to be one the host does not route; all
// traffic stays on loopback and the bridges the test made.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { after, afterEach, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { NetworkController } from '../../chapters/03-daemon/networks/index.ts';
import { startSkiffd, type Skiffd } from '../helpers/skiffd.ts';
import { call, dockerInBackground, fakeUpstream, importBusybox } from './fixtures.ts';

let d: Skiffd;
// Third octets of our own: apart from any other run of this file.
const o = 20 + (process.pid % 45) * 5;
const subnet = (i: number) => `10.213.${o + i}.0/24`;
const defaultBridge = `skt${process.pid % 100000}`;
const ok = (args: string[]) => d.docker(args).stdout.trim();
const fails = (args: string[]) => d.docker(args, { allowFail: true });
const inspect = (name: string, format: string) => ok(['inspect', '--format', format, name]);
const links = (): { ifname: string; master?: string; link_type?: string }[] => JSON.parse(spawnSync('ip', ['-json', '-d', 'link', 'show'], { encoding: 'utf8' }).stdout);
const bridgeOf = (network: string) => `br-${ok(['network', 'inspect', '--format', '{{.Id}}', network]).slice(0, 12)}`;
/**
 * busybox's wget with a deadline of its own (its -T crashes this static build).
 * Never the last command of `sh -c`: sh would exec it as the container's PID 1,
 * and busybox's timeout kills the program it execs, which as PID 1 ignores SIGTERM.
 */
const wget = (url: string) => `timeout 5 wget -qO- ${url} || exit 1`;

function freePort(): Promise<number> {
  const server = createServer();
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    server.close(() => resolve(port));
  }));
}

/** What the host has of ours: veths on our bridges, our bridges, listeners of the daemon. */
function leftovers(bridges: string[]): string[] {
  const all = links();
  return [
    ...all.filter((l) => l.master && bridges.includes(l.master)).map((l) => `veth ${l.ifname} on ${l.master}`),
    ...all.filter((l) => bridges.includes(l.ifname) && l.ifname !== defaultBridge).map((l) => `bridge ${l.ifname}`),
  ];
}

const madeBridges: string[] = [];

/** 127.0.0.11:53 as /proc/net/{udp,tcp} write it: the address's bytes in host order (little-endian here), the port in hex. */
const EMBEDDED = '0B00007F:0035';

/** The sockets bound in the network namespace `netns` (an open fd on an ns file, kept by the test so it outlives the container). */
function boundIn(netns: number): string[] {
  const r = spawnSync('nsenter', ['--net=/proc/self/fd/3', 'cat', '/proc/net/udp', '/proc/net/tcp'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe', netns] });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').map((l) => l.trim().split(/\s+/)[1] ?? '').filter((a) => /^[0-9A-F]{8}:[0-9A-F]{4}$/.test(a));
}

/** An A query for `name` over TCP to 127.0.0.11, from inside the namespace of process `pid` (RFC 7766 framing); the addresses answered. */
function queryOverTcp(pid: number, name: string): string[] {
  const script = `const n=require('net');const q=Buffer.concat([Buffer.from([0,0,0x12,0x34,1,0,0,1,0,0,0,0,0,0]),...process.argv[1].split('.').map(l=>Buffer.concat([Buffer.from([l.length]),Buffer.from(l)])),Buffer.from([0,0,1,0,1])]);q.writeUInt16BE(q.length-2,0);
const c=n.connect(53,'127.0.0.11',()=>c.write(q));let b=Buffer.alloc(0);c.on('data',d=>{b=Buffer.concat([b,d]);if(b.length>=2&&b.length>=2+b.readUInt16BE(0)){const m=b.subarray(2);const out=[];for(let i=0;i<m.readUInt16BE(6);i++){const at=m.length-16*(m.readUInt16BE(6)-i);out.push([...m.subarray(at+12,at+16)].join('.'))}console.log(out.join(' '));c.end()}})`;
  const r = spawnSync('nsenter', [`--net=/proc/${pid}/ns/net`, process.execPath, '-e', script, name], { encoding: 'utf8', timeout: 5000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split(' ').filter(Boolean);
}

/** The daemon's helper processes that open sockets in containers' namespaces: children of this file's skiffd. */
function dnsHelpers(): number[] {
  const read = (pid: string, file: string) => { try { return readFileSync(`/proc/${pid}/${file}`, 'utf8'); } catch { return ''; } };
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p) && read(p, 'cmdline').includes('netns-sockets-main'))
    .filter((p) => read(/PPid:\s+(\d+)/.exec(read(p, 'status'))?.[1] ?? '0', 'cmdline').includes(d.dir)).map(Number);
}
const helperAlive = (pid: number) => existsSync(`/proc/${pid}`) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('netns-sockets-main');
const seenHelpers = new Set<number>();

before(async () => {
  const routes = spawnSync('ip', ['-4', 'route', 'show', 'table', 'all'], { encoding: 'utf8' }).stdout;
  for (let i = 0; i < 8; i++) assert.ok(!routes.includes(`10.213.${o + i}.`), `the host routes ${subnet(i)} already:\n${routes}`);
  d = await startSkiffd({ extraArgs: ['--bridge', defaultBridge, '--bip', `10.213.${o}.1/24`, '--ip', '127.0.0.1'] });
  madeBridges.push(defaultBridge);
  importBusybox(d);
});

afterEach(() => {
  const ids = ok(['ps', '-aq']).split('\n').filter(Boolean);
  if (ids.length) ok(['rm', '-f', ...ids]);
  for (const n of ok(['network', 'ls', '--filter', 'type=custom', '--format', '{{.Name}}']).split('\n').filter(Boolean)) ok(['network', 'rm', n]);
  assert.deepEqual(leftovers(madeBridges), [], 'no veth or bridge of ours is left');
});

after(async () => {
  await d?.stop();
  for (let i = 0; i < 20 && [...seenHelpers].some(helperAlive); i++) await sleep(100);
  assert.deepEqual([...seenHelpers].filter(helperAlive), [], 'no DNS helper outlives its daemon');
  spawnSync('ip', ['link', 'del', defaultBridge]);
  assert.deepEqual(links().filter((l) => madeBridges.includes(l.ifname)).map((l) => l.ifname), []);
});

test('the default bridge: an address from --bip, a default route, the host\'s resolv.conf', () => {
  const out = ok(['run', '--rm', 'busybox', 'sh', '-c', 'ip -o -4 addr show eth0; ip route; cat /etc/hosts']);
  assert.match(out, new RegExp(`inet 10\\.213\\.${o}\\.2/24`));
  assert.match(out, new RegExp(`default via 10\\.213\\.${o}\\.1 dev eth0`));
  assert.match(out, new RegExp(`10\\.213\\.${o}\\.2\\t[0-9a-f]{12}$`, 'm'));
  assert.equal(ok(['network', 'inspect', '--format', '{{(index .IPAM.Config 0).Subnet}} {{index .Options "com.docker.network.bridge.name"}}', 'bridge']), `${subnet(0)} ${defaultBridge}`);
  assert.match(ok(['network', 'ls', '--format', '{{.Name}} {{.Driver}}']), /bridge bridge\nhost host\nnone null/);
  assert.equal(ok(['run', '--rm', '--network', 'none', 'busybox', 'sh', '-c', 'ls /sys/class/net']), 'lo');
});

test('a default bridge found with an address keeps it: no second address, the network takes its subnet', async () => {
  // The networks library on a data root of its own, over a bridge the test made: what a daemon does
  // when it starts on a new data root and finds the bridge a daemon before it left.
  const name = `sktr${process.pid % 10000}`;
  const dir = mkdtempSync('/tmp/skiff-net-');
  madeBridges.push(name);
  try {
    spawnSync('ip', ['link', 'add', name, 'type', 'bridge']);
    assert.equal(spawnSync('ip', ['addr', 'add', `10.213.${o + 7}.1/24`, 'dev', name]).status, 0);
    const controller = await NetworkController.open({ dir, bridge: name, warn: () => {} });
    assert.deepEqual(controller.store.find('bridge').IPAM.Config, [{ Subnet: subnet(7), Gateway: `10.213.${o + 7}.1` }]);
    const addresses = JSON.parse(spawnSync('ip', ['-4', '-json', 'addr', 'show', 'dev', name], { encoding: 'utf8' }).stdout)[0].addr_info;
    assert.deepEqual(addresses.map((a: { local: string; prefixlen: number }) => `${a.local}/${a.prefixlen}`), [`10.213.${o + 7}.1/24`]);
  } finally {
    spawnSync('ip', ['link', 'del', name]);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('two containers on a user network: httpd fetched by name, short id and alias; unknown names fail fast', () => {
  ok(['network', 'create', '--subnet', subnet(1), '--label', 'purpose=test', 'front']);
  madeBridges.push(bridgeOf('front'));
  assert.ok(links().some((l) => l.ifname === bridgeOf('front')), 'the bridge is named br-<short id>');
  const id = ok(['run', '-d', '--name', 'web', '--network', 'front', '--network-alias', 'www', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']);
  const out = ok(['run', '--rm', '--network', 'front', 'busybox', 'sh', '-c',
    `${wget('http://web/hostname')}; ${wget('http://www/hostname')}; ${wget(`http://${id.slice(0, 12)}/hostname`)}`]);
  assert.equal(out, [id.slice(0, 12), id.slice(0, 12), id.slice(0, 12)].join('\n'));
  const started = Date.now();
  const miss = fails(['run', '--rm', '--network', 'front', 'busybox', 'nslookup', 'nowhere.invalid']);
  assert.notEqual(miss.status, 0);
  assert.match(miss.stdout + miss.stderr, /NXDOMAIN/);
  assert.ok(Date.now() - started < 4000, 'an unknown name is answered at once, not after a timeout');
  assert.equal(inspect('web', '{{json .NetworkSettings.Networks.front.Aliases}}'), '["www"]');
  assert.equal(inspect('web', '{{.NetworkSettings.Networks.front.IPAddress}}'), `10.213.${o + 1}.2`);
  assert.match(ok(['network', 'inspect', '--format', '{{range .Containers}}{{.Name}} {{.IPv4Address}}{{end}}', 'front']), new RegExp(`web 10\\.213\\.${o + 1}\\.2/24`));
  assert.match(ok(['network', 'ls', '--filter', 'label=purpose=test', '--format', '{{.Name}}']), /^front$/);
});

test('a container on a user network has its own DNS server on 127.0.0.11, UDP and TCP, closed when it stops', async () => {
  ok(['network', 'create', '--subnet', subnet(1), 'dnsnet']);
  madeBridges.push(bridgeOf('dnsnet'));
  ok(['run', '-d', '--name', 'target', '--network', 'dnsnet', '--network-alias', 'db', 'busybox', 'sleep', '60']);
  ok(['run', '-d', '--name', 'asker', '--network', 'dnsnet', 'busybox', 'sleep', '60']);
  const target = inspect('target', '{{.NetworkSettings.Networks.dnsnet.IPAddress}}');
  const found = ok(['exec', 'asker', 'nslookup', 'db']);
  assert.match(found, /^Server:\s+127\.0\.0\.11$/m, found);
  assert.match(found, /^Address:\s+127\.0\.0\.11:53$/m, 'the answer came from 127.0.0.11');
  assert.match(found, new RegExp(`^Address: ${target.replaceAll('.', '\\.')}$`, 'm'));
  const pid = Number(inspect('asker', '{{.State.Pid}}'));
  assert.deepEqual(queryOverTcp(pid, 'target'), [target], 'DNS over TCP answers too');
  const started = Date.now();
  const miss = fails(['exec', 'asker', 'nslookup', 'nowhere.invalid']);
  assert.notEqual(miss.status, 0);
  assert.match(miss.stdout + miss.stderr, /NXDOMAIN/);
  assert.ok(Date.now() - started < 2000, `an unknown name fails at once (${Date.now() - started} ms, docker exec included)`);
  seenHelpers.add(dnsHelpers()[0]!);
  assert.equal(dnsHelpers().length, 1, 'one helper for the daemon, however many containers');

  // A name no network knows goes to the container's --dns server, from the daemon's namespace: here one
  // the test runs on a loopback address of its own, which answers every question with one address.
  const upstreamAddress = `127.213.${o}.53`;
  const upstream = await fakeUpstream(upstreamAddress, [10, 213, 250, 7]);
  try {
    // In the background: this process answers as the upstream server meanwhile.
    const run = await dockerInBackground(d, ['run', '--rm', '--network', 'dnsnet', '--dns', upstreamAddress, 'busybox', 'nslookup', '-type=a', 'elsewhere.test']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const forwarded = run.stdout;
    assert.match(forwarded, /^Server:\s+127\.0\.0\.11$/m);
    assert.match(forwarded, /^Address: 10\.213\.250\.7$/m, forwarded);
  } finally {
    upstream.close();
  }

  // The test holds the namespace open, to look into it once the container is gone.
  const netns = openSync(`/proc/${pid}/ns/net`, 'r');
  try {
    assert.equal(boundIn(netns).filter((a) => a === EMBEDDED).length, 2, 'a UDP socket and a TCP listener on 127.0.0.11:53');
    ok(['kill', 'asker']);
    for (let i = 0; i < 50 && inspect('asker', '{{.State.Running}}') === 'true'; i++) await sleep(100);
    assert.deepEqual(boundIn(netns).filter((a) => a === EMBEDDED), [], 'nothing listens once the container stopped');
  } finally {
    closeSync(netns);
  }
  // Disconnected from its only user network, a running container's server closes as well.
  const targetPid = Number(inspect('target', '{{.State.Pid}}'));
  const held = openSync(`/proc/${targetPid}/ns/net`, 'r');
  try {
    ok(['network', 'connect', 'bridge', 'target']);
    ok(['network', 'disconnect', 'dnsnet', 'target']);
    assert.deepEqual(boundIn(held).filter((a) => a === EMBEDDED), []);
    assert.doesNotMatch(ok(['exec', 'target', 'cat', '/etc/resolv.conf']), /127\.0\.0\.11/);
  } finally {
    closeSync(held);
  }
});

test('containers on different networks cannot reach each other, by address or by name', () => {
  ok(['network', 'create', '--subnet', subnet(1), 'red']);
  ok(['network', 'create', '--subnet', subnet(2), 'blue']);
  madeBridges.push(bridgeOf('red'), bridgeOf('blue'));
  ok(['run', '-d', '--name', 'redweb', '--network', 'red', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']);
  const address = inspect('redweb', '{{.NetworkSettings.Networks.red.IPAddress}}');
  assert.equal(ok(['run', '--rm', '--network', 'red', 'busybox', 'sh', '-c', wget(`http://${address}/hostname`)]), inspect('redweb', '{{.Config.Hostname}}'));
  assert.notEqual(fails(['run', '--rm', '--network', 'blue', 'busybox', 'sh', '-c', wget(`http://${address}/hostname`)]).status, 0);
  assert.notEqual(fails(['run', '--rm', '--network', 'blue', 'busybox', 'sh', '-c', wget('http://redweb/hostname')]).status, 0);
  // Connected to red as well, a blue container reaches it, under an alias given at connect.
  ok(['run', '-d', '--name', 'bluebox', '--network', 'blue', 'busybox', 'sleep', '60']);
  ok(['network', 'connect', '--alias', 'visitor', 'red', 'bluebox']);
  assert.equal(ok(['exec', 'bluebox', 'sh', '-c', wget('http://redweb/hostname')]), inspect('redweb', '{{.Config.Hostname}}'));
  assert.match(ok(['exec', 'redweb', 'nslookup', 'visitor']), new RegExp(`10\\.213\\.${o + 1}\\.`));
  ok(['network', 'disconnect', 'red', 'bluebox']);
  assert.notEqual(fails(['exec', 'bluebox', 'sh', '-c', wget(`http://${address}/hostname`)]).status, 0);
  assert.equal(ok(['exec', 'bluebox', 'sh', '-c', 'ls /sys/class/net | tr "\\n" " "']), 'eth0 lo');
  assert.match(fails(['network', 'rm', 'red']).stderr, /has active endpoints/);
});

test('prune removes the user-defined networks no container is on; predefined ones cannot be removed', () => {
  ok(['network', 'create', '--subnet', subnet(1), 'idle']);
  ok(['network', 'create', '--subnet', subnet(2), 'busy']);
  madeBridges.push(bridgeOf('idle'), bridgeOf('busy'));
  ok(['create', '--name', 'member', '--network', 'busy', 'busybox', 'true']);
  assert.match(ok(['network', 'prune', '-f']), /Deleted Networks:\nidle/);
  assert.equal(ok(['network', 'ls', '--filter', 'type=custom', '--format', '{{.Name}}']), 'busy');
  assert.match(fails(['network', 'rm', 'bridge']).stderr, /bridge is a pre-defined network and cannot be removed/);
  assert.match(fails(['network', 'create', '--subnet', subnet(2), 'again']).stderr, /Pool overlaps with other one on this address space/);
  assert.match(fails(['network', 'create', 'busy']).stderr, /network with name busy already exists/);
});

test('an internal network has no route out', () => {
  ok(['network', 'create', '--internal', '--subnet', subnet(3), '-o', `com.docker.network.bridge.name=skti${process.pid % 10000}`, 'sealed']);
  madeBridges.push(`skti${process.pid % 10000}`);
  assert.ok(links().some((l) => l.ifname === `skti${process.pid % 10000}`), 'the bridge has the name asked for');
  ok(['run', '-d', '--name', 'outside', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']);
  const outside = inspect('outside', '{{.NetworkSettings.IPAddress}}');
  const r = fails(['run', '--rm', '--network', 'sealed', 'busybox', 'sh', '-c', `ip route; ${wget(`http://${outside}/hostname`)}`]);
  assert.notEqual(r.status, 0);
  assert.doesNotMatch(r.stdout, /default/);
  assert.match(r.stdout, new RegExp(`10\\.213\\.${o + 3}\\.0/24 dev eth0`));
  assert.equal(ok(['network', 'inspect', '--format', '{{.Internal}}', 'sealed']), 'true');
});

test('published ports: fixed and ephemeral TCP, -P, shown by docker port and inspect', async () => {
  const fixed = await freePort();
  const id = ok(['run', '-d', '--name', 'pub', '-p', `127.0.0.1:${fixed}:80`, '-p', '80', '--expose', '81', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']);
  // The two bindings of 80/tcp in whichever order the CLI sent them (it keeps them in a Go map).
  const ports = ok(['port', 'pub', '80/tcp']).split('\n');
  assert.ok(ports.includes(`127.0.0.1:${fixed}`), ports.join(' '));
  const ephemeral = Number(ports.find((p) => p !== `127.0.0.1:${fixed}`)!.split(':')[1]);
  assert.ok(ephemeral > 1024);
  for (const port of [fixed, ephemeral]) assert.equal(await (await fetch(`http://127.0.0.1:${port}/hostname`)).text(), `${id.slice(0, 12)}\n`);
  const published = JSON.parse(inspect('pub', '{{json .NetworkSettings.Ports}}')) as Record<string, { HostIp: string; HostPort: string }[] | null>;
  published['80/tcp']!.sort((a, b) => Number(a.HostPort) - Number(b.HostPort));
  const expected = [fixed, ephemeral].sort((a, b) => a - b).map((port) => ({ HostIp: '127.0.0.1', HostPort: String(port) }));
  assert.deepEqual(published, { '80/tcp': expected, '81/tcp': null });
  assert.match(fails(['run', '-d', '-p', `127.0.0.1:${fixed}:80`, 'busybox', 'true']).stderr, /port is already allocated/);

  ok(['run', '-d', '--name', 'all', '--expose', '7000', '-P', 'busybox', 'httpd', '-f', '-p', '7000', '-h', '/etc']);
  const all = Number(ok(['port', 'all', '7000']).split(':')[1]);
  assert.equal((await fetch(`http://127.0.0.1:${all}/hostname`)).status, 200);

  ok(['rm', '-f', 'pub']);
  await assert.rejects(fetch(`http://127.0.0.1:${fixed}/hostname`), 'the proxy went with the container');
});

test('a published UDP port on an ephemeral host port: datagrams relayed both ways', async () => {
  // busybox has no UDP server: the host's node, bind-mounted with its libraries, echoes.
  const echo = "const s=require('dgram').createSocket('udp4');s.on('message',(m,r)=>s.send('echo:'+m,r.port,r.address));s.bind(9000,()=>console.log('ready'))";
  ok(['run', '-d', '--name', 'echo', '-p', '9000/udp', '-v', '/usr/lib:/lib:ro', '-v', '/usr/lib64:/lib64:ro', '-v', `${process.execPath}:/node:ro`,
    'busybox', 'sh', '-c', `exec /node -e "${echo}"`]);
  for (let i = 0; i < 100 && !ok(['logs', 'echo']).includes('ready'); i++) await sleep(100);
  const [ip, port] = ok(['port', 'echo', '9000/udp']).split(':');
  assert.equal(ip, '127.0.0.1', "the daemon's --ip");
  const client = createSocket('udp4');
  const reply = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no reply through the proxy')), 5000);
    client.once('message', (m) => (clearTimeout(timer), resolve(m.toString())));
    client.send('hello', Number(port), '127.0.0.1');
  }).finally(() => client.close());
  assert.equal(reply, 'echo:hello');
});

test('twenty containers started at once on one network never share an address, and free them all', async () => {
  ok(['network', 'create', '--subnet', subnet(4), 'crowd']);
  madeBridges.push(bridgeOf('crowd'));
  const body = JSON.stringify({ Image: 'busybox', Cmd: ['sleep', '60'], HostConfig: { NetworkMode: 'crowd' } });
  const ids = await Promise.all(Array.from({ length: 20 }, async () => {
    const created = await call(d, 'POST', '/containers/create', body, { 'Content-Type': 'application/json' });
    assert.equal(created.status, 201, created.body);
    const { Id } = JSON.parse(created.body) as { Id: string };
    const started = await call(d, 'POST', `/containers/${Id}/start`);
    assert.equal(started.status, 204, started.body);
    return Id;
  }));
  const addresses = ids.map((id) => inspect(id, '{{.NetworkSettings.Networks.crowd.IPAddress}}'));
  assert.equal(new Set(addresses).size, 20, addresses.join(' '));
  for (const id of ids.slice(0, 3)) {
    const inside = ok(['exec', id, 'sh', '-c', 'ip -o -4 addr show eth0']);
    assert.ok(inside.includes(`inet ${inspect(id, '{{.NetworkSettings.Networks.crowd.IPAddress}}')}/24`));
  }
  await Promise.all(ids.map((id) => call(d, 'DELETE', `/containers/${id}?force=1`)));
  const pool = JSON.parse(readFileSync(`${d.dir}/data/network/${ok(['network', 'inspect', '--format', '{{.Id}}', 'crowd'])}.ipam.json`, 'utf8'));
  assert.deepEqual(pool.allocated, {}, 'every address is free again');
});

test('--hostname, --add-host, --dns, --dns-search and --dns-option shape hosts and resolv.conf', () => {
  ok(['network', 'create', '--subnet', subnet(5), 'named']);
  madeBridges.push(bridgeOf('named'));
  const onBridge = ok(['run', '--rm', '--hostname', 'box', '--add-host', 'db.local:10.213.250.9', '--dns', '10.213.250.53',
    '--dns-search', 'example.test', '--dns-option', 'timeout:1', 'busybox', 'sh', '-c', 'cat /etc/hosts /etc/resolv.conf /etc/hostname']);
  assert.match(onBridge, /^10\.213\.250\.9\tdb\.local$/m);
  assert.match(onBridge, new RegExp(`^10\\.213\\.${o}\\.\\d+\\tbox$`, 'm'));
  assert.match(onBridge, /^nameserver 10\.213\.250\.53$/m);
  assert.match(onBridge, /^search example\.test$/m);
  assert.match(onBridge, /^options .*timeout:1/m);
  assert.match(onBridge, /^box$/m);
  // On a user-defined network, moby's rules (libnetwork/internal/resolvconf, TransformForIntNS): the one
  // nameserver is 127.0.0.11, which forwards to --dns; search and options as given; ndots:0 added unless
  // an ndots option is there. The host's own file has no search or options line here (checked below).
  const host = readFileSync('/etc/resolv.conf', 'utf8').split('\n').filter((l) => /^\s*(search|domain|options)\s/.test(l));
  assert.deepEqual(host, [], "the host's resolv.conf has nameservers only, so Docker's output is known exactly");
  const onUser = (args: string[]) => ok(['run', '--rm', '--network', 'named', ...args, 'busybox', 'cat', '/etc/resolv.conf']);
  assert.equal(onUser(['--dns', '10.213.250.53']), 'nameserver 127.0.0.11\noptions ndots:0');
  assert.equal(onUser(['--dns-search', 'example.test', '--dns-option', 'timeout:1']), 'nameserver 127.0.0.11\nsearch example.test\noptions timeout:1 ndots:0');
  assert.equal(onUser(['--dns-option', 'ndots:2', '--dns-option', 'edns0']), 'nameserver 127.0.0.11\noptions ndots:2 edns0');
  // The default bridge: the host's nameservers less loopback ones, no options added.
  const servers = readFileSync('/etc/resolv.conf', 'utf8').split('\n').filter((l) => /^nameserver\s+\d+\.\d+\.\d+\.\d+$/.test(l.trim()) && !/\s127\./.test(l));
  assert.equal(ok(['run', '--rm', 'busybox', 'cat', '/etc/resolv.conf']), servers.map((l) => l.trim().replace(/\s+/, ' ')).join('\n'));
});

test('after skiffd is killed with SIGKILL: names and ports come back, and removal leaves nothing', async () => {
  ok(['network', 'create', '--subnet', subnet(6), 'lasting']);
  madeBridges.push(bridgeOf('lasting'));
  const port = await freePort();
  const id = ok(['run', '-d', '--name', 'keeper', '--network', 'lasting', '-p', `127.0.0.1:${port}:80`, 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']);
  ok(['run', '-d', '--name', 'gone', '--network', 'lasting', 'busybox', 'sleep', '60']);
  const stays = ok(['run', '-d', '--name', 'stays', '--network', 'lasting', 'busybox', 'sleep', '60']);
  const [helper] = dnsHelpers();
  assert.ok(helper, 'the daemon has its DNS helper');
  seenHelpers.add(helper);
  // Killed just before the daemon: whether the daemon saw the exit or its successor finds it, the address is freed.
  process.kill(Number(inspect('gone', '{{.State.Pid}}')), 'SIGKILL');
  await d.restart('SIGKILL');
  await sleep(300);
  assert.equal((await (await fetch(`http://127.0.0.1:${port}/hostname`)).text()), `${id.slice(0, 12)}\n`);
  assert.equal(ok(['run', '--rm', '--network', 'lasting', 'busybox', 'sh', '-c', wget('http://keeper/hostname')]), id.slice(0, 12));
  // A container that ran through the restart asks the server the new daemon opened again in its namespace.
  assert.match(ok(['exec', 'stays', 'nslookup', 'keeper']), new RegExp(`^Address: ${inspect('keeper', '{{.NetworkSettings.Networks.lasting.IPAddress}}').replaceAll('.', '\\.')}$`, 'm'));
  assert.ok(!helperAlive(helper), 'the killed daemon\'s helper ended with it');
  dnsHelpers().forEach((p) => seenHelpers.add(p));
  const pool = JSON.parse(readFileSync(`${d.dir}/data/network/${ok(['network', 'inspect', '--format', '{{.Id}}', 'lasting'])}.ipam.json`, 'utf8'));
  assert.deepEqual(Object.values(pool.allocated).sort(), [id, stays].sort(), 'the address of the container that died is free');
});
