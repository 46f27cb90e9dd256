// skiffd's own --dns, --dns-search and --dns-opt, as dockerd's: they stand in,
// each on its own, for a container's settings when it gave none. On a user
// network the servers are where the embedded DNS forwards unknown names (a
// server of the test's own on a loopback address); the search and options
// lines go to resolv.conf. A container that names its own keeps them. And a
// --dns that is not an address stops the daemon before it starts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { startSkiffd, skiffdCommand, type Skiffd } from '../helpers/skiffd.ts';
import { dockerInBackground, fakeUpstream, importBusybox } from './fixtures.ts';

let d: Skiffd;
// Addresses of our own: apart from any other run of this file, and from networks.test.ts's 10.213/16.
const o = 20 + (process.pid % 45) * 5;
const upstreamAddress = `127.214.${o}.53`;
const ok = (args: string[]) => d.docker(args).stdout.trim();

before(async () => {
  d = await startSkiffd({ extraArgs: ['--bridge', 'none', '--dns', upstreamAddress, '--dns-search', 'corp.test', '--dns-opt', 'ndots:3'] });
  importBusybox(d);
  ok(['network', 'create', '--subnet', `10.214.${o}.0/24`, 'dnsdefaults']);
});
after(async () => {
  d?.docker(['network', 'rm', 'dnsdefaults'], { allowFail: true });
  await d?.stop();
});

test("a container that names no DNS gets the daemon's: resolv.conf, and forwarding on a user network", async () => {
  const upstream = await fakeUpstream(upstreamAddress, [10, 214, 250, 9]);
  try {
    // In the background: this process answers as the upstream server meanwhile.
    const run = await dockerInBackground(d, ['run', '--rm', '--network', 'dnsdefaults', 'busybox', 'sh', '-c', 'cat /etc/resolv.conf; nslookup -type=a elsewhere.test']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /^nameserver 127\.0\.0\.11\nsearch corp\.test\noptions ndots:3\n/m, run.stdout);
    assert.match(run.stdout, /^Address: 10\.214\.250\.9$/m, 'the unknown name went to the daemon\'s --dns server');
  } finally {
    upstream.close();
  }
});

test("a container's own settings win, each list on its own", () => {
  const resolv = ok(['run', '--rm', '--network', 'dnsdefaults', '--dns-search', 'own.test', 'busybox', 'cat', '/etc/resolv.conf']);
  assert.match(resolv, /^search own\.test$/m);
  assert.match(resolv, /^options ndots:3$/m, 'the daemon\'s options still stand');
});

test('a --dns that is not an address is refused before the daemon starts', () => {
  const [cmd, ...args] = skiffdCommand();
  const r = spawnSync(cmd!, [...args, '--dns', 'nameserver.test', '--data-root', '/nonexistent/never-made'], { encoding: 'utf8' });
  assert.equal(r.status, 125);
  assert.match(r.stderr, /nameserver\.test is not an ip address/);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
});
