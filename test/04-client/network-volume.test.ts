// `skiff network …` and `skiff volume …` against skiffd, and the run flags
// that use them: two busybox containers on a user-defined network, one
// serving HTTP, the other fetching it by name and by alias; networks that
// cannot reach each other; data kept in a named volume from one container to
// the next; a volume in use refusing removal and a read-only bind refusing
// writes. Where docker has an answer of its own — the tables of `ls`, the
// documents of `inspect`, the errors, the create request the run flags make
// — the real docker CLI is run against the same daemon and must print the
// same. The SDK's calls are driven once directly, typed. Subnets lie in 10.214.0.0/16, each first checked to be one the host
// does not route; the daemon has no default bridge, and every bridge the test
// makes is gone at the end.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { tarDirectory } from '../helpers/dockerd.ts';
import { makeBusyboxRootfs } from '../helpers/rootfs.ts';
import { startSkiffd, type Skiffd } from '../helpers/skiffd.ts';
import { ConflictError, EngineClient, NotFoundError } from '../../chapters/04-client/sdk/index.ts';
import { neutral } from './differential.ts';
import { skiffCommand } from './target.ts';

let d: Skiffd;
const o = 20 + (process.pid % 45) * 5;
const subnet = (i: number) => `10.214.${o + i}.0/24`;
const bridges: string[] = [];

interface Outcome { stdout: string; stderr: string; status: number | null }

/** One command line of a client (`docker` or skiff's) against the test's daemon, through sh. */
function run(cli: string, line: string, env: Record<string, string> = {}): Outcome {
  const r = spawnSync('sh', ['-c', line.replaceAll('$CLI', cli)], {
    encoding: 'utf8', env: { ...process.env, DOCKER_HOST: d.host, DOCKER_CONFIG: join(d.dir, 'cli-config'), ...env }, timeout: 60_000,
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}
const skiff = (line: string) => run(skiffCommand(), line);
const ok = (line: string) => {
  const r = skiff(line);
  assert.equal(r.status, 0, `${line}: ${r.stderr}`);
  return r.stdout.trim();
};

/** The same line by docker and by skiff; what each printed (docker's name made skiff's) and how each exited. */
function sameAsDocker(line: string, env: Record<string, string> = {}): Outcome {
  const [theirs, ours] = [run('docker', line, env), run(skiffCommand(), line, env)].map((r) => ({ ...r, stdout: neutral(r.stdout, true), stderr: neutral(r.stderr, true) }));
  assert.deepEqual(ours, theirs, `$ ${line}`);
  return ours!;
}

/** busybox's wget with a deadline of its own, never the last word of `sh -c` (see test/03-daemon/networks.test.ts). */
const wget = (url: string) => `timeout 5 wget -qO- ${url} || exit 1`;
const links = (): { ifname: string }[] => JSON.parse(spawnSync('ip', ['-json', 'link', 'show'], { encoding: 'utf8' }).stdout);

function network(name: string, i: number): void {
  ok(`$CLI network create --subnet ${subnet(i)} ${name}`);
  bridges.push(`br-${ok(`$CLI network inspect --format '{{.Id}}' ${name}`).slice(0, 12)}`);
}

before(async () => {
  const routes = spawnSync('ip', ['-4', 'route', 'show', 'table', 'all'], { encoding: 'utf8' }).stdout;
  for (let i = 0; i < 4; i++) assert.ok(!routes.includes(`10.214.${o + i}.`), `the host routes ${subnet(i)} already:\n${routes}`);
  d = await startSkiffd();
  const tar = tarDirectory(makeBusyboxRootfs(join(d.dir, 'rootfs')), join(d.dir, 'rootfs.tar'));
  d.docker(['import', '-c', 'CMD ["sh"]', tar, 'busybox:latest']);
});

afterEach(() => {
  const ids = ok('$CLI ps -aq').split('\n').filter(Boolean);
  if (ids.length) ok(`$CLI rm -f ${ids.join(' ')}`);
  ok('$CLI network prune -f');
  ok('$CLI volume prune -a -f');
  assert.deepEqual(links().filter((l) => bridges.includes(l.ifname)), [], 'no bridge of ours is left');
});

after(async () => {
  await d?.stop();
  for (const b of bridges) spawnSync('ip', ['link', 'del', b]);
});

test('two containers on a user network: httpd fetched by name and by alias', () => {
  network('front', 0);
  const id = ok('$CLI run -d --name web --network front --network-alias www busybox httpd -f -p 80 -h /etc');
  const fetched = ok(`$CLI run --rm --network front busybox sh -c "${wget('http://web/hostname')}; ${wget('http://www/hostname')}"`);
  assert.equal(fetched, `${id.slice(0, 12)}\n${id.slice(0, 12)}`);
  assert.equal(ok(`$CLI network inspect --format '{{range .Containers}}{{.Name}}{{end}}' front`), 'web');
  // An alias only a user-defined network can carry; docker refuses it before any request.
  sameAsDocker('$CLI run --rm --network-alias x busybox true');
});

test('containers on different networks cannot reach each other, until connected', () => {
  network('red', 1);
  network('blue', 2);
  ok('$CLI run -d --name redweb --network red busybox httpd -f -p 80 -h /etc');
  const address = ok(`$CLI inspect --format '{{.NetworkSettings.Networks.red.IPAddress}}' redweb`);
  const hostname = ok(`$CLI inspect --format '{{.Config.Hostname}}' redweb`);
  assert.equal(ok(`$CLI run --rm --network red busybox sh -c "${wget(`http://${address}/hostname`)}"`), hostname);
  assert.notEqual(skiff(`$CLI run --rm --network blue busybox sh -c "${wget(`http://${address}/hostname`)}"`).status, 0);
  assert.notEqual(skiff(`$CLI run --rm --network blue busybox sh -c "${wget('http://redweb/hostname')}"`).status, 0);
  ok('$CLI run -d --name bluebox --network blue busybox sleep 60');
  ok('$CLI network connect --alias visitor red bluebox');
  assert.equal(ok(`$CLI exec bluebox sh -c "${wget('http://redweb/hostname')}"`), hostname);
  assert.match(ok('$CLI exec redweb nslookup visitor'), new RegExp(`10\\.214\\.${o + 1}\\.`));
  ok('$CLI network disconnect red bluebox');
  assert.notEqual(skiff(`$CLI exec bluebox sh -c "${wget(`http://${address}/hostname`)}"`).status, 0);
  // Removing a network in use, or one that is not there: docker's words, its `exit status 1`.
  sameAsDocker('$CLI network rm red nope-net; echo "exit $?"; $CLI network rm -f nope-net; echo "exit $?"');
});

test('a named volume keeps its data from one container to the next; in use, it refuses removal', () => {
  assert.equal(ok('$CLI volume create --label keep=yes data'), 'data');
  ok('$CLI run --name writer -v data:/data busybox sh -c "echo kept > /data/file"');
  ok('$CLI rm writer');
  assert.equal(ok('$CLI run --rm -v data:/data busybox cat /data/file'), 'kept');
  ok('$CLI run -d --name holder --mount type=volume,source=data,target=/data busybox sleep 60');
  const refused = sameAsDocker('$CLI volume rm data; echo "exit $?"; $CLI volume rm -f data nope-vol; echo "exit $?"');
  assert.match(refused.stderr, /remove data: volume is in use - \[<ID>\]/);
  assert.equal(ok('$CLI volume ls -q --filter dangling=false'), 'data');
  ok('$CLI rm -f holder');
  assert.equal(ok('$CLI volume ls -q --filter dangling=true'), 'data');
});

test('a read-only bind mount refuses writes; --tmpfs and --volumes-from are mounted', () => {
  const host = join(d.dir, 'shared');
  mkdirSync(host, { recursive: true });
  writeFileSync(join(host, 'hello'), 'from the host\n');
  for (const flags of [`-v ${host}:/h:ro`, `--mount type=bind,source=${host},target=/h,readonly`]) {
    const r = skiff(`$CLI run --rm ${flags} busybox sh -c "cat /h/hello; touch /h/x"`);
    assert.equal(r.stdout, 'from the host\n');
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /Read-only file system/);
  }
  assert.match(ok('$CLI run --rm --tmpfs /scratch:size=1m busybox grep " /scratch " /proc/mounts'), /^tmpfs \/scratch tmpfs .*size=1024k/);
  ok(`$CLI create --name source -v ${host}:/h busybox`);
  assert.equal(ok('$CLI run --rm --volumes-from source:ro busybox cat /h/hello'), 'from the host');
});

test('network ls and inspect print what docker prints', () => {
  ok(`$CLI network create --subnet ${subnet(3)} --gateway 10.214.${o + 3}.254 --label tier=back --internal back`);
  bridges.push(`br-${ok("$CLI network inspect --format '{{.Id}}' back").slice(0, 12)}`);
  ok('$CLI create --name member --network back busybox');
  sameAsDocker('$CLI network ls');
  sameAsDocker('$CLI network ls -q; $CLI network ls --no-trunc --format json; $CLI network list --filter label=tier=back --format "{{.Name}} {{.Label \\"tier\\"}} {{.Internal}}"');
  sameAsDocker('$CLI network ls --format "table {{.Name}}\\t{{.IPv6}}\\t{{.Labels}}\\t{{.Label \\"tier\\"}}"; $CLI network ls -f bogus=1');
  sameAsDocker('$CLI network inspect back; $CLI network inspect back nope-net --format "{{.Name}} {{json .IPAM.Config}}"; echo "exit $?"');
  // docker's own checks of --subnet and --gateway, made before any request.
  sameAsDocker('$CLI network create --gateway 10.9.9.1 x; $CLI network create --subnet 10.9.9.0/24 --gateway 10.9.8.1 x; $CLI network create --subnet bad --gateway 10.9.9.1 x; $CLI network create back');
  sameAsDocker('$CLI network; $CLI network frob');
});

test('volume ls and inspect print what docker prints; prune -a removes the unused ones', () => {
  ok('$CLI volume create --label k=v -o type=tmpfs -o device=tmpfs -o o=size=1m v10');
  ok('$CLI volume create v2');
  ok('$CLI create --name user -v v2:/data busybox');
  sameAsDocker('$CLI volume ls; $CLI volume ls -q -f dangling=true; $CLI volume ls --format json');
  sameAsDocker('$CLI volume ls --format "table {{.Name}}\\t{{.Labels}}\\t{{.Label \\"k\\"}}\\t{{.Scope}}"');
  sameAsDocker('$CLI volume inspect v10 v2; $CLI volume inspect v2 nope-vol --format "{{.Name}} {{.Driver}} {{.Options}}"; echo "exit $?"');
  sameAsDocker('$CLI volume prune -a --filter all=1 -f; $CLI volume rm');
  // docker 28.2 misprints this one's last line (`SRun 'docker volume create --help'…`); the rest is the same.
  const two = skiff('$CLI volume create a b');
  assert.equal(two.status, 1);
  assert.match(two.stderr, /^skiff: 'skiff volume create' requires at most 1 argument\n\nUsage:  skiff volume create \[OPTIONS\] \[VOLUME\]\n/);
  const pruned = ok('$CLI volume prune -a -f');
  assert.equal(pruned, 'Deleted Volumes:\nv10\n\nTotal reclaimed space: 0B');
  assert.equal(ok('$CLI volume ls -q'), 'v2');
});

test('the run flags make the create request docker makes', () => {
  ok('$CLI volume create shared-vol');
  ok('$CLI create --name vsource -v shared-vol:/data busybox');
  const flags = '--hostname box --dns 10.9.9.9 --dns-search example.test --dns-option ndots:2 --add-host db:10.9.9.10 --add-host cache=10.9.9.11 ' +
    '-p 127.0.0.1:8080:80 -p 81/udp -P --expose 90-91 --tmpfs /run:size=1m --volumes-from vsource:ro';
  const shape = '{{.Config.Hostname}} {{json .Config.ExposedPorts}} {{json .HostConfig.Dns}} {{json .HostConfig.DnsSearch}} {{json .HostConfig.DnsOptions}} ' +
    '{{json .HostConfig.ExtraHosts}} {{json .HostConfig.PortBindings}} {{.HostConfig.PublishAllPorts}} {{json .HostConfig.Tmpfs}} {{json .HostConfig.VolumesFrom}}';
  sameAsDocker(`$CLI create --name shaped ${flags} busybox >/dev/null; docker inspect --format '${shape}' shaped; docker rm shaped >/dev/null`);
  sameAsDocker('$CLI run --rm --dns not-an-address busybox true; $CLI run --rm --add-host nocolon busybox true');
});

test('a config file that does not parse is one warning naming it, as docker prints it, and the command goes on', () => {
  const config = join(d.dir, 'broken-config');
  mkdirSync(config, { recursive: true });
  writeFileSync(join(config, 'config.json'), '{"auths": {');
  const r = sameAsDocker('$CLI volume ls -q; echo "exit $?"', { DOCKER_CONFIG: config });
  assert.equal(r.stderr, `WARNING: Error parsing config file (${join(config, 'config.json')}): unexpected EOF\n`);
  writeFileSync(join(config, 'config.json'), '[1, 2]');
  sameAsDocker('$CLI volume ls -q', { DOCKER_CONFIG: config });
  writeFileSync(join(config, 'config.json'), '\n');
  assert.equal(sameAsDocker('$CLI volume ls -q', { DOCKER_CONFIG: config }).stderr, '');
});

test('the SDK: networks and volumes as typed calls', async () => {
  const engine = new EngineClient({ host: d.host });
  const { Id } = await engine.networks.create({ Name: 'sdknet', IPAM: { Config: [{ Subnet: subnet(3) }] }, Labels: { by: 'sdk' } });
  bridges.push(`br-${Id.slice(0, 12)}`);
  assert.deepEqual((await engine.networks.list({ filters: { label: ['by=sdk'] } })).map((n) => n.Name), ['sdknet']);
  assert.equal((await engine.networks.inspect(Id.slice(0, 8))).IPAM.Config?.[0]?.Gateway, `10.214.${o + 3}.1`);
  const c = await engine.containers.create({ Image: 'busybox', Cmd: ['sleep', '60'] });
  await engine.networks.connect('sdknet', c.Id, { Aliases: ['helper'], IPAMConfig: { IPv4Address: `10.214.${o + 3}.77` } });
  await engine.containers.start(c.Id);
  const seen = Object.values((await engine.networks.inspect('sdknet')).Containers ?? {});
  assert.deepEqual(seen.map((e) => e.IPv4Address), [`10.214.${o + 3}.77/24`]);
  await engine.networks.disconnect('sdknet', c.Id);
  await engine.containers.remove(c.Id, { force: true });
  await engine.networks.remove('sdknet');
  await assert.rejects(engine.networks.inspect('sdknet'), NotFoundError);

  const v = await engine.volumes.create({ Name: 'sdkvol', Labels: { by: 'sdk' }, DriverOpts: { type: 'tmpfs', device: 'tmpfs' } });
  assert.deepEqual([v.Name, v.Options], ['sdkvol', { type: 'tmpfs', device: 'tmpfs' }]);
  const user = await engine.containers.create({ Image: 'busybox', HostConfig: { Binds: ['sdkvol:/data'] } });
  assert.deepEqual((await engine.volumes.list({ filters: { dangling: ['true'] } })).Volumes, []);
  await assert.rejects(engine.volumes.remove('sdkvol', { force: true }), ConflictError);
  await engine.containers.remove(user.Id);
  await engine.volumes.remove('nope-vol', { force: true });
  assert.deepEqual((await engine.volumes.prune({ filters: { all: ['true'] } })).VolumesDeleted, ['sdkvol']);
});
