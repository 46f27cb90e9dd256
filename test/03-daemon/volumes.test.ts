// Volumes, driven by the real docker CLI against skiffd: named volumes that
// outlive their containers and the daemon, the copy-up of an image's files
// into a new volume, anonymous volumes from VOLUME and `-v /path`, binds
// (read-only ones refuse writes), tmpfs mounts and tmpfs volumes,
// --volumes-from, a volume in use refusing removal, prune, `system df`, and
// bad input answered with dockerd's status and words. Nothing stays mounted.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readMountInfo } from '../../chapters/01-namespaces/mountinfo.ts';
import { startSkiffd, type Skiffd } from '../helpers/skiffd.ts';
import { call, context, importBusybox } from './fixtures.ts';

let d: Skiffd;
const ok = (args: string[]) => d.docker(args).stdout;
const fails = (args: string[]) => {
  const r = d.docker(args, { allowFail: true });
  assert.notEqual(r.status, 0, `docker ${args.join(' ')} succeeded: ${r.stdout}`);
  return r.stderr.trim();
};
const volumesDir = () => join(d.dir, 'data', 'volumes');
const names = () => ok(['volume', 'ls', '-q']).split('\n').filter(Boolean).sort();
const mountsUnder = (dir: string) => readMountInfo().filter((m) => m.mountPoint.startsWith(`${dir}/`));

before(async () => {
  d = await startSkiffd();
  importBusybox(d);
  // /seed has files to copy up; /anon is the image's VOLUME, with a file of its own.
  const ctx = context(d.dir, 'seeded', {
    Dockerfile: 'FROM busybox\nRUN mkdir -p /seed /anon && echo from-image > /seed/hello && echo anon-seed > /anon/a\nVOLUME /anon\nCMD ["sh"]\n',
  });
  ok(['build', '-q', '-t', 'seeded', ctx]);
});
after(() => d?.stop());

test('a named volume: created with labels, written by one container, read by the next after the first is gone', () => {
  assert.equal(ok(['volume', 'create', '--label', 'team=a', 'data1']), 'data1\n');
  const [v] = JSON.parse(ok(['volume', 'inspect', 'data1']));
  assert.deepEqual({ ...v, CreatedAt: undefined }, {
    CreatedAt: undefined, Driver: 'local', Labels: { team: 'a' }, Mountpoint: join(volumesDir(), 'data1', '_data'),
    Name: 'data1', Options: null, Scope: 'local',
  });
  assert.match(v.CreatedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  ok(['run', '--name', 'writer', '-v', 'data1:/data', 'busybox', 'sh', '-c', 'echo kept > /data/f']);
  const [mount] = JSON.parse(ok(['inspect', '--format', '{{json .Mounts}}', 'writer']));
  assert.deepEqual(mount, {
    Type: 'volume', Name: 'data1', Source: join(volumesDir(), 'data1', '_data'), Destination: '/data', Driver: 'local', Mode: 'z', RW: true, Propagation: '',
  });
  ok(['rm', 'writer']);
  assert.equal(ok(['run', '--rm', '--mount', 'type=volume,src=data1,dst=/d', 'busybox', 'cat', '/d/f']), 'kept\n');
  assert.equal(readFileSync(join(volumesDir(), 'data1', '_data', 'f'), 'utf8'), 'kept\n');
  // `-v NAME:…` makes a volume that is not there yet, as Docker does; both ends of its life are events.
  const since = (Date.now() / 1000).toFixed(3);
  ok(['run', '--rm', '-v', 'implicit:/x', 'busybox', 'true']);
  assert.ok(names().includes('implicit'));
  ok(['volume', 'rm', 'implicit']);
  const events = ok(['events', '--since', since, '--until', ((Date.now() + 50) / 1000).toFixed(3), '--filter', 'volume=implicit', '--format', '{{.Type}} {{.Action}} {{.Actor.ID}} {{.Actor.Attributes.driver}}']);
  assert.equal(events, 'volume create implicit local\nvolume destroy implicit local\n');
});

test('copy-up: a new volume on an image path is first filled with the image\'s files; a volume in use keeps its own', () => {
  assert.equal(ok(['run', '--rm', '-v', 'fresh:/seed', 'seeded', 'cat', '/seed/hello']), 'from-image\n');
  assert.equal(readFileSync(join(volumesDir(), 'fresh', '_data', 'hello'), 'utf8'), 'from-image\n');
  ok(['run', '--rm', '-v', 'fresh:/seed', 'seeded', 'sh', '-c', 'echo changed > /seed/hello']);
  assert.equal(ok(['run', '--rm', '-v', 'fresh:/seed', 'seeded', 'cat', '/seed/hello']), 'changed\n');
  // nocopy: an empty volume stays empty.
  assert.equal(ok(['run', '--rm', '--mount', 'type=volume,src=bare,dst=/seed,volume-nocopy', 'seeded', 'ls', '-A', '/seed']), '');
  ok(['volume', 'rm', 'fresh', 'bare']);
});

test('VOLUME in an image and `-v /path` make anonymous volumes; `rm -v` removes them, named ones stay', () => {
  const id = ok(['create', '--name', 'anon', '-v', '/scratch', '-v', 'keepme:/keep', 'seeded', 'true']).trim();
  const mounts = JSON.parse(ok(['inspect', '--format', '{{json .Mounts}}', 'anon'])) as { Name: string; Destination: string }[];
  const anonymous = mounts.filter((m) => /^[0-9a-f]{64}$/.test(m.Name)).map((m) => m.Destination).sort();
  assert.deepEqual(anonymous, ['/anon', '/scratch']);
  const imageVolume = mounts.find((m) => m.Destination === '/anon')!.Name;
  assert.equal(readFileSync(join(volumesDir(), imageVolume, '_data', 'a'), 'utf8'), 'anon-seed\n');
  const [v] = JSON.parse(ok(['volume', 'inspect', imageVolume]));
  assert.deepEqual(v.Labels, { 'com.docker.volume.anonymous': '' });
  assert.match(ok(['system', 'df', '-v']), new RegExp(`${imageVolume}\\s+1\\s+10B`));
  ok(['rm', '-v', id]);
  assert.deepEqual(names(), ['data1', 'keepme']);
  ok(['volume', 'rm', 'keepme']);
});

test('binds: `-v /host:/ctr` shares a host directory; `:ro` and `--mount …,readonly` refuse writes', () => {
  const host = join(d.dir, 'host-dir');
  mkdirSync(host);
  writeFileSync(join(host, 'in'), 'from host\n');
  assert.equal(ok(['run', '--rm', '-v', `${host}:/h`, 'busybox', 'sh', '-c', 'cat /h/in; echo out > /h/out']), 'from host\n');
  assert.equal(readFileSync(join(host, 'out'), 'utf8'), 'out\n');
  for (const flags of [['-v', `${host}:/h:ro`], ['--mount', `type=bind,src=${host},dst=/h,readonly`], ['-v', 'data1:/h:ro']]) {
    const r = d.docker(['run', '--rm', ...flags, 'busybox', 'sh', '-c', 'echo x > /h/new'], { allowFail: true });
    assert.equal(r.status, 1, flags.join(' '));
    assert.match(r.stderr, /Read-only file system/);
  }
  assert.equal(existsSync(join(host, 'new')), false);
});

test('tmpfs: --tmpfs and --mount type=tmpfs, and a volume of the local driver with type=tmpfs; binds by volume too', () => {
  const out = ok(['run', '--rm', '--tmpfs', '/t1:size=1m', '--mount', 'type=tmpfs,dst=/t2,tmpfs-size=2097152', 'busybox', 'sh', '-c', 'grep " /t[12] " /proc/mounts']);
  assert.match(out, /^tmpfs \/t1 tmpfs rw,nosuid,nodev,noexec,relatime,size=1024k/m);
  assert.match(out, /^tmpfs \/t2 tmpfs rw,nosuid,nodev,noexec,relatime,size=2048k/m);
  ok(['volume', 'create', '-o', 'type=tmpfs', '-o', 'device=tmpfs', '-o', 'o=size=1m', 'tv']);
  const [v] = JSON.parse(ok(['volume', 'inspect', 'tv']));
  assert.deepEqual(v.Options, { device: 'tmpfs', o: 'size=1m', type: 'tmpfs' });
  assert.match(ok(['run', '--rm', '-v', 'tv:/t', 'busybox', 'df', '/t']), /^tmpfs\s+1024\s+0\s+1024\s+0% \/t$/m);
  const host = join(d.dir, 'by-device');
  mkdirSync(host);
  writeFileSync(join(host, 'marker'), '');
  ok(['volume', 'create', '-o', 'type=none', '-o', 'o=bind', '-o', `device=${host}`, 'bv']);
  assert.equal(ok(['run', '--rm', '-v', 'bv:/b', 'busybox', 'ls', '/b']), 'marker\n');
  // Parents before children: a bind inside a tmpfs is mounted after it, so it is seen.
  assert.equal(ok(['run', '--rm', '-v', `${host}:/deep/inner`, '--tmpfs', '/deep', 'busybox', 'ls', '/deep/inner']), 'marker\n');
  ok(['volume', 'rm', 'tv', 'bv']);
  assert.deepEqual(mountsUnder(d.dir), []);
});

test('a volume in use refuses removal, forced or not, in dockerd\'s words; --volumes-from shares it', async () => {
  const id = ok(['create', '--name', 'holder', '-v', 'busy:/x', 'busybox', 'true']).trim();
  for (const args of [['volume', 'rm', 'busy'], ['volume', 'rm', '-f', 'busy']]) {
    assert.equal(fails(args), `Error response from daemon: remove busy: volume is in use - [${id}]`);
  }
  const r = await call(d, 'DELETE', '/v1.50/volumes/busy');
  assert.equal(r.status, 409);
  ok(['run', '--rm', '--volumes-from', 'holder', 'busybox', 'sh', '-c', 'echo shared > /x/s']);
  assert.equal(ok(['run', '--rm', '-v', 'busy:/y', 'busybox', 'cat', '/y/s']), 'shared\n');
  assert.match(d.docker(['run', '--rm', '--volumes-from', 'holder:ro', 'busybox', 'touch', '/x/t'], { allowFail: true }).stderr, /Read-only file system/);
  // A 404 on create sends the CLI to pull the image, as with dockerd; --pull never shows the daemon's answer.
  assert.equal(fails(['create', '--pull', 'never', '--volumes-from', 'nope', 'busybox', 'true']), 'Error response from daemon: No such container: nope');
  assert.equal(ok(['volume', 'ls', '-q', '--filter', 'dangling=false']), 'busy\n');
  ok(['rm', 'holder']);
  assert.equal(ok(['volume', 'rm', 'busy']), 'busy\n');
});

test('prune: anonymous unused volumes by default, every unused one with --all; system df counts them', () => {
  ok(['create', '--name', 'user', '-v', 'used:/u', 'busybox', 'true']);
  ok(['volume', 'create', 'idle']);
  ok(['rm', ok(['create', '-v', '/tmpdata', 'busybox', 'true']).trim()]); // no -v: its anonymous volume stays, dangling
  const dangling = ok(['volume', 'ls', '-q', '--filter', 'dangling=true']).split('\n').filter(Boolean);
  assert.equal(dangling.length, 3); // data1, idle, and the anonymous one
  const anonymous = dangling.find((n) => /^[0-9a-f]{64}$/.test(n))!;
  assert.match(ok(['system', 'df']), /^Local Volumes\s+4\s+1\s+/m);
  assert.equal(ok(['volume', 'prune', '-f']), `Deleted Volumes:\n${anonymous}\n\nTotal reclaimed space: 0B\n`);
  assert.deepEqual(names(), ['data1', 'idle', 'used']);
  ok(['volume', 'prune', '-f', '--filter', 'all=true', '--filter', 'label!=keep']);
  assert.deepEqual(names(), ['used']);
  ok(['rm', 'user']);
  ok(['volume', 'create', '--label', 'keep=yes', 'data1']);
  ok(['run', '--rm', '-v', 'data1:/d', 'busybox', 'sh', '-c', 'echo survived > /d/f']);
});

test('a restart of skiffd keeps the volumes, their labels and their data', async () => {
  await d.restart('SIGKILL');
  const [v] = JSON.parse(ok(['volume', 'inspect', 'data1']));
  assert.deepEqual(v.Labels, { keep: 'yes' });
  assert.equal(ok(['run', '--rm', '-v', 'data1:/d', 'busybox', 'cat', '/d/f']), 'survived\n');
  assert.ok(names().includes('used'));
});

test('bad input: dockerd\'s statuses and words, and nothing made', async () => {
  const before = names();
  const cases: [string[], string][] = [
    [['volume', 'create', 'a b'], 'create a b: "a b" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path'],
    [['volume', 'create', 'a'], 'create a: volume name is too short, names should be at least two alphanumeric characters'],
    [['volume', 'create', '-d', 'nodriver', 'x1'], 'create x1: error looking up volume plugin nodriver: plugin "nodriver" not found'],
    [['volume', 'create', '-o', 'foo=bar', 'x2'], 'create x2: invalid option: "foo"'],
    [['volume', 'create', '-o', 'type=tmpfs', 'x3'], 'create x3: missing required option: "device"'],
    [['volume', 'inspect', 'nope'], 'get nope: no such volume'],
    [['volume', 'rm', 'nope'], 'get nope: no such volume'],
    [['volume', 'ls', '--filter', 'dangling=maybe'], "Invalid filter 'dangling=[maybe]'"],
    [['volume', 'ls', '--filter', 'bogus=1'], "Invalid filter 'bogus'"],
    [['create', '-v', 'v9:/x', '-v', '/y:/x', 'busybox', 'true'], 'Duplicate mount point: /x'],
    [['create', '--tmpfs', 'rel', 'busybox', 'true'], "invalid mount path: 'rel' mount path must be absolute"],
    [['create', '--mount', 'type=tmpfs,src=/x,dst=/x', 'busybox', 'true'], 'invalid mount config for type "tmpfs": field Source must not be specified'],
  ];
  for (const [args, message] of cases) assert.equal(fails(args), `Error response from daemon: ${message}`, args.join(' '));
  ok(['volume', 'rm', '-f', 'nope']); // force: an unknown name is no error
  const statuses: [string, string, string | undefined, number][] = [
    ['POST', '/v1.50/volumes/create', JSON.stringify({ Name: 'a b' }), 400],
    ['POST', '/v1.50/volumes/create', JSON.stringify({ Name: 'x1', Driver: 'nodriver' }), 404],
    ['POST', '/v1.50/volumes/create', JSON.stringify({ Name: 'x2', DriverOpts: { foo: 'bar' } }), 400],
    ['POST', '/v1.50/volumes/create', JSON.stringify({ Name: 5 }), 400],
    ['GET', '/v1.50/volumes/nope', undefined, 404],
  ];
  for (const [method, path, body, status] of statuses) {
    const r = await call(d, method, path, body, body ? { 'Content-Type': 'application/json' } : {});
    assert.equal(r.status, status, `${method} ${path} ${body}: ${r.body}`);
    assert.ok(JSON.parse(r.body).message, r.body);
  }
  assert.deepEqual(names().filter((n) => n !== 'v9'), before); // as dockerd, `-v v9:/x` made v9 before the duplicate was found
  ok(['volume', 'rm', 'v9']);
});

test('nothing is left mounted: no volume, tmpfs or bind under the daemon\'s directory', () => {
  const left = ok(['ps', '-aq']).split('\n').filter(Boolean);
  if (left.length > 0) ok(['rm', '-f', '-v', ...left]);
  assert.deepEqual(mountsUnder(d.dir), []);
  assert.ok(readdirSync(volumesDir()).every((n) => !n.startsWith('.removing-')));
});
