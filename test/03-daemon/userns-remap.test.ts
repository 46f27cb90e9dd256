// skiffd --userns-remap default: every container's root is the first
// subordinate uid of the dockremap user, made (with its ranges) if missing,
// as dockerd makes it. Proved from inside (`id`, `ls -ln /`), from outside
// (the container's process, a file it writes on a bind mount or a volume),
// on disk (the data root's layout, the unpacked layers' owners), and against
// a real dockerd started the same way on this host: same user, same ranges,
// same data root name, same answers.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { readMountInfo } from '../../chapters/01-namespaces/mountinfo.ts';
import { startDockerd, type Dockerd } from '../helpers/dockerd.ts';
import { makeTempDir, removeTempDir } from '../helpers/rootfs.ts';
import { skiffdCommand, startSkiffd, type Skiffd } from '../helpers/skiffd.ts';
import { context, importBusybox } from './fixtures.ts';

let skiffd: Skiffd;
let work: string;
/** Did dockremap exist before? If not, the daemon made it, and the test removes it after (dockerd never does). */
let hadRemapUser: boolean;
/** The first subordinate uid and gid of dockremap: the host ids of every container's root. */
let uid: number;
let gid: number;

const getent = (db: string, key: string) => spawnSync('getent', [db, key], { encoding: 'utf8' });
const range = (file: string): [number, number] => {
  const line = readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith('dockremap:'));
  assert.ok(line, `${file} has a dockremap range`);
  const [, start, count] = line.split(':');
  return [Number(start), Number(count)];
};
const statusIds = (pid: string, field: 'Uid' | 'Gid') => readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(.*)$`, 'm'))![1]!.split('\t');
/** Owners of the files the daemon writes beside a container, and proof that its root may rewrite them. */
const ETC_FILES = 'stat -c "%u:%g %n" /etc/hosts /etc/resolv.conf /etc/hostname && echo "10.0.0.1 added" >> /etc/hosts';
const run = (d: Dockerd, args: string[]) => d.docker(['run', '--rm', ...args]).stdout;
const fails = (d: Dockerd, args: string[], input?: string) => {
  const r = d.docker(args, { allowFail: true, input });
  assert.notEqual(r.status, 0, args.join(' '));
  return r.stderr.trim();
};

before(async () => {
  hadRemapUser = getent('passwd', 'dockremap').status === 0;
  work = makeTempDir('skiff-userns-');
  chmodSync(work, 0o711); // bind mounts under it are reached by the remapped root
  skiffd = await startSkiffd({ extraArgs: ['--userns-remap', 'default'] });
  [uid] = range('/etc/subuid');
  [gid] = range('/etc/subgid');
  importBusybox(skiffd);
});

after(async () => {
  await skiffd?.stop();
  removeTempDir(work);
  // userdel(8) removes the user, its group, and its subordinate ranges.
  if (!hadRemapUser && getent('passwd', 'dockremap').status === 0) {
    const r = spawnSync('userdel', ['dockremap'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  }
});

test('default: the dockremap system user and its 65536 subordinate ids, made as dockerd makes them', () => {
  const [name, , userId, groupId, , , shell] = getent('passwd', 'dockremap').stdout.trim().split(':');
  assert.equal(name, 'dockremap');
  assert.equal(shell, '/bin/false');
  assert.ok(Number(userId) < 1000, 'a system user');
  assert.equal(getent('group', groupId!).stdout.split(':')[0], 'dockremap');
  assert.deepEqual(range('/etc/subuid')[1], 65536);
  assert.deepEqual(range('/etc/subgid')[1], 65536);
  assert.ok(uid >= 100000, `ranges start at 100000 or above, not ${uid}`);
});

test('the data root is <data-root>/<uid>.<gid>, reachable by the remapped root only, and docker info says so', () => {
  const remapped = join(skiffd.dir, 'data', `${uid}.${gid}`);
  for (const dir of [join(skiffd.dir, 'data'), remapped]) {
    const st = statSync(dir);
    assert.deepEqual([st.mode & 0o7777, st.uid, st.gid], [0o710, 0, gid], dir);
  }
  assert.deepEqual(readdirSync(join(skiffd.dir, 'data')), [`${uid}.${gid}`]);
  assert.ok(existsSync(join(remapped, 'snapshots')));
  const info = JSON.parse(skiffd.docker(['info', '--format', '{{json .}}']).stdout);
  assert.equal(info.DockerRootDir, remapped);
  assert.deepEqual(info.SecurityOptions, ['name=seccomp,profile=builtin', 'name=userns', 'name=cgroupns']);
});

test('the image’s layers are unpacked with their owners shifted into the range', () => {
  const snapshots = join(skiffd.dir, 'data', `${uid}.${gid}`, 'snapshots');
  const layers = readdirSync(snapshots).filter((n) => /^[0-9a-f]{64}$/.test(n));
  assert.equal(layers.length, 1);
  for (const path of ['', 'bin', 'bin/busybox', 'etc/passwd']) {
    const st = statSync(join(snapshots, layers[0]!, 'fs', path));
    assert.deepEqual([st.uid, st.gid], [uid, gid], path);
  }
});

test('inside, root is root and owns the image’s files; outside, the process is the first subordinate uid', () => {
  assert.match(run(skiffd, ['busybox', 'id']), /^uid=0\(root\) gid=0\(root\)/);
  assert.deepEqual(run(skiffd, ['busybox', 'cat', '/proc/self/uid_map', '/proc/self/gid_map']).trim().split('\n').map((l) => l.trim().split(/\s+/).join(' ')),
    [`0 ${uid} 65536`, `0 ${gid} 65536`]);
  const listing = run(skiffd, ['busybox', 'ls', '-ln', '/']);
  for (const dir of ['bin', 'etc', 'root', 'tmp', 'usr']) assert.match(listing, new RegExp(`^d\\S+\\s+\\d+\\s+0\\s+0\\s.* ${dir}$`, 'm'), listing);
  // The container's root may write to its own root filesystem, to the /etc files the daemon makes, and to a -w directory made for it.
  assert.equal(run(skiffd, ['busybox', 'sh', '-c', 'touch /made && stat -c %u:%g /made']).trim(), '0:0');
  assert.equal(run(skiffd, ['busybox', 'sh', '-c', ETC_FILES]), '0:0 /etc/hosts\n0:0 /etc/resolv.conf\n0:0 /etc/hostname\n');
  assert.equal(run(skiffd, ['-w', '/nowhere/deep', 'busybox', 'sh', '-c', 'touch f && stat -c "%u:%g %n" /nowhere /nowhere/deep']), '0:0 /nowhere\n0:0 /nowhere/deep\n');

  const id = skiffd.docker(['run', '-d', 'busybox', 'sleep', '60']).stdout.trim();
  const pid = skiffd.docker(['inspect', '-f', '{{.State.Pid}}', id]).stdout.trim();
  assert.deepEqual(statusIds(pid, 'Uid'), [uid, uid, uid, uid].map(String));
  assert.deepEqual(statusIds(pid, 'Gid'), [gid, gid, gid, gid].map(String));
  // exec joins the container's user namespace: root there too.
  assert.equal(skiffd.docker(['exec', id, 'id', '-u']).stdout.trim(), '0');
  skiffd.docker(['rm', '-f', id]);
});

test('a bind mount’s directory the daemon makes, and a volume, belong to the remapped root; so do the files written there', () => {
  const bind = join(work, 'made-by-daemon');
  assert.equal(run(skiffd, ['-v', `${bind}:/b`, '-v', 'remapped-volume:/v', 'busybox', 'sh', '-c', 'echo hi > /b/f && echo hi > /v/f && stat -c %u /b /b/f /v /v/f']).trim(),
    '0\n0\n0\n0');
  for (const path of [bind, join(bind, 'f')]) assert.equal(statSync(path).uid, uid, path);
  // A file to bind-mount is left as it is: nothing to make for it.
  assert.equal(run(skiffd, ['-v', `${join(bind, 'f')}:/etc/greeting:ro`, 'busybox', 'cat', '/etc/greeting']), 'hi\n');
  const mountpoint = skiffd.docker(['volume', 'inspect', '-f', '{{.Mountpoint}}', 'remapped-volume']).stdout.trim();
  for (const path of [mountpoint, join(mountpoint, 'f')]) assert.deepEqual([statSync(path).uid, statSync(path).gid], [uid, gid], path);
  skiffd.docker(['volume', 'rm', 'remapped-volume']);
  // A directory of the host's root stays out of reach: the container's root is nobody special there.
  mkdirSync(join(work, 'hosts-own'), { mode: 0o755 });
  assert.match(fails(skiffd, ['run', '--rm', '-v', `${join(work, 'hosts-own')}:/h`, 'busybox', 'touch', '/h/f']), /Permission denied/);
});

test('--userns=host opts out: real root, inside and out; --privileged needs it, in dockerd’s words', () => {
  assert.equal(run(skiffd, ['--userns=host', 'busybox', 'cat', '/proc/self/uid_map']).trim().split(/\s+/).join(' '), '0 0 4294967295');
  const id = skiffd.docker(['run', '-d', '--userns=host', 'busybox', 'sleep', '60']).stdout.trim();
  const pid = skiffd.docker(['inspect', '-f', '{{.State.Pid}} {{.HostConfig.UsernsMode}}', id]).stdout.trim().split(' ');
  assert.equal(pid[1], 'host');
  assert.deepEqual(statusIds(pid[0]!, 'Uid'), ['0', '0', '0', '0']);
  skiffd.docker(['rm', '-f', id]);

  assert.equal(fails(skiffd, ['create', '--privileged', 'busybox', 'true']).split('\n')[0],
    'Error response from daemon: privileged mode is incompatible with user namespaces.  You must run the container in the host namespace when running privileged mode');
  const hostCaps = readFileSync('/proc/self/status', 'utf8').match(/^CapEff:.*$/m)![0];
  assert.equal(run(skiffd, ['--privileged', '--userns=host', 'busybox', 'grep', 'CapEff', '/proc/self/status']).trim(), hostCaps);
  assert.equal(fails(skiffd, ['create', '--network', 'host', 'busybox', 'true']).split('\n')[0],
    "Error response from daemon: cannot share the host's network namespace when user namespaces are enabled");
});

test('commit, diff, export and cp shift owners back: layers and tars carry the container’s ids, not the host’s', () => {
  const id = skiffd.docker(['run', '-d', 'busybox', 'sh', '-c', 'echo made > /made && chown 1000:1000 /made && mkdir /dir && sleep 60']).stdout.trim();
  for (let i = 0; i < 100 && skiffd.docker(['exec', id, 'ls', '/dir'], { allowFail: true }).status !== 0; i++) spawnSync('sleep', ['0.05']);
  // On the host, the writable layer holds the shifted ids.
  const pid = skiffd.docker(['inspect', '-f', '{{.State.Pid}}', id]).stdout.trim();
  assert.deepEqual([statSync(`/proc/${pid}/root/made`).uid, statSync(`/proc/${pid}/root/dir`).uid], [uid + 1000, uid]);
  assert.deepEqual(skiffd.docker(['diff', id]).stdout.trim().split('\n').sort(), ['A /dir', 'A /made']);
  // export and cp: tars with the container's owners.
  const listing = (tarFile: string) => spawnSync('tar', ['-tvf', tarFile, '--numeric-owner'], { encoding: 'utf8' }).stdout;
  skiffd.docker(['export', '-o', join(work, 'export.tar'), id]);
  assert.match(listing(join(work, 'export.tar')), /^-\S+ 1000\/1000 .* made$/m);
  assert.match(listing(join(work, 'export.tar')), /^d\S+ 0\/0 .* bin\/$/m);
  const cpOut = spawnSync('sh', ['-c', `docker -H ${skiffd.host} cp ${id}:/made - | tar -tvf - --numeric-owner`], { encoding: 'utf8', env: { ...process.env, DOCKER_CONFIG: join(skiffd.dir, 'cli-config') } });
  assert.match(cpOut.stdout, /^-\S+ 1000\/1000 .* made$/m, cpOut.stderr);
  // cp in: a root-owned file lands as the remapped root's.
  const local = join(work, 'copied-in');
  spawnSync('sh', ['-c', `echo in > ${local}`]);
  skiffd.docker(['cp', local, `${id}:/dir/`]);
  assert.equal(skiffd.docker(['exec', id, 'stat', '-c', '%u:%g', '/dir/copied-in']).stdout.trim(), '0:0');
  assert.equal(statSync(`/proc/${pid}/root/dir/copied-in`).uid, uid);
  // commit: a layer the remapped store unpacks again, with the same owners inside.
  skiffd.docker(['commit', id, 'remapped-commit']);
  assert.equal(run(skiffd, ['remapped-commit', 'stat', '-c', '%u:%g', '/made', '/dir', '/dir/copied-in']).trim(), '1000:1000\n0:0\n0:0');
  skiffd.docker(['rm', '-f', id]);
  skiffd.docker(['rmi', 'remapped-commit']);
});

test('a remapped daemon killed and started again finds its images and running containers in the remapped data root', async () => {
  const id = skiffd.docker(['run', '-d', 'busybox', 'sleep', '60']).stdout.trim();
  await skiffd.restart('SIGKILL');
  assert.equal(skiffd.docker(['inspect', '-f', '{{.State.Running}}', id]).stdout.trim(), 'true');
  assert.equal(skiffd.docker(['exec', id, 'id', '-u']).stdout.trim(), '0');
  assert.match(skiffd.docker(['images', '--format', '{{.Repository}}']).stdout, /^busybox$/m);
  assert.equal(readdirSync(join(skiffd.dir, 'data')).join(), `${uid}.${gid}`);
  skiffd.docker(['rm', '-f', id]);
});

test('a build runs its steps as the remapped root, and its layers carry the container’s ids', () => {
  const ctx = context(work, 'build-context', {
    Dockerfile: [
      'FROM busybox',
      'RUN mkdir /ran && id -u > /ran/uid && cat /proc/self/uid_map > /ran/map && chown 1000:1000 /ran',
      'COPY file /copied',
      'COPY --chown=1000:1000 file /deep/chowned',
      'WORKDIR /work/dir',
      'RUN touch made-here',
    ].join('\n'),
    file: 'from the context\n',
  });
  skiffd.docker(['build', '-q', '-t', 'remapped-build', ctx]);
  const inside = run(skiffd, ['remapped-build', 'sh', '-c', 'cat /ran/uid /ran/map; stat -c "%u:%g %n" /ran /copied /deep /deep/chowned /work /work/dir /work/dir/made-here']);
  assert.deepEqual(inside.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' ')), [
    '0', `0 ${uid} 65536`,
    '1000:1000 /ran', '0:0 /copied', '1000:1000 /deep', '1000:1000 /deep/chowned', '0:0 /work', '0:0 /work/dir', '0:0 /work/dir/made-here',
  ]);
  // Its layers as saved: the container's ids, nothing of the host's range.
  const archive = join(work, 'remapped-build.tar');
  skiffd.docker(['save', '-o', archive, 'remapped-build']);
  const unpacked = join(work, 'remapped-build');
  mkdirSync(unpacked);
  spawnSync('tar', ['-xf', archive, '-C', unpacked]);
  const owners = new Set<string>();
  for (const layer of JSON.parse(readFileSync(join(unpacked, 'manifest.json'), 'utf8'))[0].Layers as string[]) {
    const listing = spawnSync('tar', ['-tvf', join(unpacked, layer), '--numeric-owner'], { encoding: 'utf8' }).stdout;
    for (const line of listing.trim().split('\n').filter(Boolean)) owners.add(line.split(/\s+/)[1]!);
  }
  assert.deepEqual([...owners].sort(), ['0/0', '1000/1000']);
  skiffd.docker(['rmi', 'remapped-build']);
});

test('a remap skiffd cannot set up is refused at start in one line, in dockerd’s words, with nothing made', () => {
  const refusal = (remap: string, dataRoot = join(work, 'unused')) => {
    const [cmd, ...args] = skiffdCommand();
    const r = spawnSync(cmd!, [...args, '--userns-remap', remap, '--data-root', dataRoot, '--host', `unix://${join(work, 'unused.sock')}`], { encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr.split('\n').length, 2, r.stderr);
    return r.stderr.trim();
  };
  assert.equal(refusal('no-such-user'), 'skiffd: Error during uid lookup for "no-such-user": getent unable to find entry "no-such-user" in passwd database');
  assert.equal(refusal('dockremap:no-such-group'), 'skiffd: Error during groupname lookup for "no-such-group": getent unable to find entry "no-such-group" in group database');
  assert.equal(refusal('daemon'), 'skiffd: Can\'t create ID mappings: no subuid ranges found for user "daemon"');
  const closed = makeTempDir('skiff-userns-closed-'); // 0700: the remapped root could not search it
  try {
    assert.equal(refusal('default', join(closed, 'data')),
      `skiffd: a subdirectory in your graphroot path (${join(closed, 'data', `${uid}.${gid}`)}) restricts access to the remapped root uid/gid; please fix by allowing 'o+x' permissions on existing directories`);
    assert.equal(existsSync(join(closed, 'data')), false);
  } finally {
    removeTempDir(closed);
  }
  assert.equal(existsSync(join(work, 'unused')), false);
});

test('a real dockerd --userns-remap default on this host: the same user, data root name and answers', async () => {
  // Its data root under a directory the remapped root can search (the helper's own is 0700, which dockerd refuses).
  const dataRoot = join(work, 'dockerd', 'data');
  const dockerd = await startDockerd(['--userns-remap', 'default', '--data-root', dataRoot]);
  try {
    importBusybox(dockerd);
    const info = JSON.parse(dockerd.docker(['info', '--format', '{{json .}}']).stdout);
    assert.ok(info.DockerRootDir.endsWith(`/${uid}.${gid}`), info.DockerRootDir);
    assert.ok(info.SecurityOptions.includes('name=userns'));
    const probes = [
      ['busybox', 'id'], ['busybox', 'cat', '/proc/self/uid_map'], ['--userns=host', 'busybox', 'id'], ['busybox', 'sh', '-c', ETC_FILES],
      ['-w', '/nowhere/deep', 'busybox', 'stat', '-c', '%u:%g %n', '/nowhere', '/nowhere/deep'],
      ['-v', '/anonymous/deep', 'busybox', 'stat', '-c', '%u:%g %n', '/anonymous', '/anonymous/deep'],
    ];
    for (const args of probes) {
      assert.equal(run(skiffd, args), run(dockerd, args), args.join(' '));
    }
    const ours = (text: string) => text.split('\n')[0];
    for (const args of [['create', '--privileged', 'busybox', 'true'], ['create', '--network', 'host', 'busybox', 'true']]) {
      assert.equal(ours(fails(skiffd, args)), ours(fails(dockerd, args)), args.join(' '));
    }
  } finally {
    await dockerd.stop();
    assert.deepEqual(readMountInfo().filter((m) => m.mountPoint.startsWith(dataRoot)), [], 'dockerd unmounted its layers');
    assert.deepEqual(readdirSync(dirname(dockerd.dir)).filter((n) => n.startsWith(basename(dockerd.dir))), [], 'nothing of dockerd is left beside its directory');
  }
});
