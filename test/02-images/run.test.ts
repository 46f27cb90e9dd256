// `skiff-engine run`: the image config applied the way Docker applies it,
// seen from inside the container, and nothing left behind by --rm.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { cgroupDirsOf, EngineLab } from './engine-lab.ts';
import { engineCommand } from '../helpers/executables.ts';

let lab: EngineLab;

before(() => {
  lab = new EngineLab();
  lab.importBusybox();
  const ctx = lab.context('ctx-app', {
    Dockerfile: [
      'FROM busybox',
      'ENV GREETING=hello FROM_IMAGE=yes',
      'WORKDIR /srv',
      'ENTRYPOINT ["echo", "entry"]',
      'CMD ["default", "args"]',
    ].join('\n'),
  });
  lab.ok(['build', '-t', 'app', ctx]);
  const userCtx = lab.context('ctx-user', {
    Dockerfile: [
      'FROM busybox',
      "RUN echo 'sailor:x:1234:1234::/home/sailor:/bin/sh' >> /etc/passwd && echo 'sailor:x:1234:' >> /etc/group",
      'USER sailor',
      'CMD ["id"]',
    ].join('\n'),
  });
  lab.ok(['build', '-t', 'as-user', userCtx]);
});

after(() => lab.close());

test('Entrypoint + Cmd; run args replace Cmd; --entrypoint drops the image Cmd', () => {
  assert.equal(lab.ok(['run', '--rm', 'app']), 'entry default args\n');
  assert.equal(lab.ok(['run', '--rm', 'app', 'mine']), 'entry mine\n');
  assert.equal(lab.ok(['run', '--rm', '--entrypoint', 'pwd', 'app']), '/srv\n');
  assert.equal(lab.ok(['run', '--rm', '--entrypoint', 'echo', 'app', 'only', 'this']), 'only this\n');
});

test('environment: image Env, -e over it, PATH, HOSTNAME and HOME always set', () => {
  const out = lab.ok(['run', '--rm', '-e', 'GREETING=overridden', '-e', 'EXTRA=1', '--entrypoint', 'env', 'app']);
  const env = Object.fromEntries(out.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  assert.equal(env.GREETING, 'overridden');
  assert.equal(env.FROM_IMAGE, 'yes');
  assert.equal(env.EXTRA, '1');
  assert.equal(env.PATH, '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
  assert.equal(env.HOME, '/root');
  assert.match(env.HOSTNAME, /^[0-9a-f]{12}$/);
});

test('-e NAME takes the caller\'s variable; a name the caller lacks unsets the image\'s', () => {
  process.env.SKIFF_TEST_FROM_CALLER = 'caller value';
  delete process.env.FROM_IMAGE;
  try {
    const out = lab.ok(['run', '--rm', '-e', 'SKIFF_TEST_FROM_CALLER', '-e', 'FROM_IMAGE', '--entrypoint', 'env', 'app']);
    const names = out.trim().split('\n').map((l) => l.slice(0, l.indexOf('=')));
    assert.match(out, /^SKIFF_TEST_FROM_CALLER=caller value$/m);
    assert.ok(!names.includes('FROM_IMAGE'), out);
    assert.ok(names.includes('GREETING'), out);
  } finally {
    delete process.env.SKIFF_TEST_FROM_CALLER;
  }
  const bad = lab.engine(['run', '--rm', '-e', '=nameless', 'busybox', 'true']);
  assert.equal(bad.code, 125);
  assert.match(bad.stderr, /invalid environment variable: =nameless/);
});

test('hostname defaults to the first 12 hex of the container id; /etc/hosts has localhost', () => {
  const out = lab.ok(['run', '--name', 'named-one', 'busybox', 'sh', '-c', 'hostname; cat /etc/hostname; grep -c localhost /etc/hosts']);
  const [hostname, fromFile, localhostLines] = out.trim().split('\n');
  const ps = lab.ok(['ps', '-a']);
  const row = ps.split('\n').find((l) => l.includes('named-one'));
  assert.ok(row, ps);
  assert.equal(row.slice(0, 12), hostname);
  assert.equal(fromFile, hostname);
  assert.ok(Number(localhostLines) >= 2);
  assert.equal(lab.ok(['run', '--rm', '--hostname', 'boat', 'busybox', 'hostname']), 'boat\n');
  lab.ok(['rm', 'named-one']);
});

test('-w creates a missing directory; -u 1000 runs with gid 0; USER names resolve in the image', () => {
  assert.equal(lab.ok(['run', '--rm', '-w', '/missing/dir', 'busybox', 'pwd']), '/missing/dir\n');
  assert.equal(lab.ok(['run', '--rm', '-u', '1000', 'busybox', 'id']), 'uid=1000 gid=0(root)\n');
  assert.equal(lab.ok(['run', '--rm', '-u', '1000:1000', 'busybox', 'id', '-g']), '1000\n');
  assert.match(lab.ok(['run', '--rm', 'as-user']), /^uid=1234\(sailor\) gid=1234\(sailor\)/);
  const bad = lab.engine(['run', '--rm', '-u', 'nobody-here', 'busybox', 'true']);
  assert.equal(bad.code, 125);
  assert.match(bad.stderr, /unable to find user nobody-here/);
});

test('-v binds a host directory, read-write or read-only', () => {
  const host = join(lab.dir, 'shared');
  mkdirSync(host);
  writeFileSync(join(host, 'in.txt'), 'from host\n');
  assert.equal(lab.ok(['run', '--rm', '-v', `${host}:/data`, 'busybox', 'sh', '-c', 'cat /data/in.txt; echo back > /data/out.txt']), 'from host\n');
  assert.equal(readFileSync(join(host, 'out.txt'), 'utf8'), 'back\n');
  const ro = lab.engine(['run', '--rm', '-v', `${host}:/data:ro`, 'busybox', 'sh', '-c', 'echo no > /data/ro.txt']);
  assert.notEqual(ro.code, 0);
  assert.match(ro.stderr, /Read-only file system/);
  assert.equal(existsSync(join(host, 'ro.txt')), false);
});

test('VOLUME gets an anonymous volume: the image\'s files are in it, writes to it stay out of the writable layer', () => {
  const ctx = lab.context('ctx-volume', {
    Dockerfile: 'FROM busybox\nRUN mkdir -p /data && echo from-image > /data/seed && chown 7:8 /data/seed\nVOLUME /data\n',
  });
  lab.ok(['build', '-t', 'with-volume', ctx]);
  const volumes = () => {
    const dir = join(lab.root, 'volumes');
    return existsSync(dir) ? readdirSync(dir).sort() : [];
  };
  const before = volumes();
  const script = 'stat -c "%u:%g" /data/seed; cat /data/seed; echo written > /data/new; echo layer > /layer-file; grep -c " /data " /proc/mounts';
  assert.equal(lab.ok(['run', '--name', 'vol-user', 'with-volume', 'sh', '-c', script]), '7:8\nfrom-image\n1\n');
  const made = volumes().filter((v) => !before.includes(v));
  assert.equal(made.length, 1, 'one volume for one VOLUME path');
  assert.match(made[0], /^[0-9a-f]{64}$/);
  const data = join(lab.root, 'volumes', made[0], '_data');
  assert.equal(readFileSync(join(data, 'seed'), 'utf8'), 'from-image\n', 'filled from the image');
  assert.equal(readFileSync(join(data, 'new'), 'utf8'), 'written\n', "the container's write landed in the volume");

  // Neither export nor commit sees what was written to the volume; both see the writable layer.
  const exported = join(lab.dir, 'vol-export.tar');
  lab.ok(['export', '-o', exported, 'vol-user']);
  const names = execFileSync('tar', ['-tf', exported], { encoding: 'utf8' }).split('\n');
  assert.ok(names.includes('layer-file') && names.includes('data/seed'), names.join(' '));
  assert.ok(!names.some((n) => n.endsWith('data/new')), 'the volume is not in export');
  lab.ok(['commit', 'vol-user', 'vol-committed']);
  assert.equal(lab.ok(['run', '--rm', 'vol-committed', 'sh', '-c', 'ls /data; cat /layer-file']), 'seed\nlayer\n');
  assert.deepEqual(volumes(), [...before, ...made].sort(), '--rm took its own volume with it');

  // rm keeps a container's volumes, as docker does; rm -v removes them.
  lab.ok(['run', '--name', 'vol-kept', 'with-volume', 'true']);
  const kept = volumes().filter((v) => !before.includes(v) && !made.includes(v));
  assert.equal(kept.length, 1);
  lab.ok(['rm', 'vol-kept']);
  assert.ok(existsSync(join(lab.root, 'volumes', kept[0], '_data', 'seed')));
  lab.ok(['rm', '-v', 'vol-user']);
  assert.equal(existsSync(join(lab.root, 'volumes', made[0])), false);

  // -v on the same path replaces the image's volume.
  const host = join(lab.dir, 'vol-host');
  mkdirSync(host);
  writeFileSync(join(host, 'mine'), 'x');
  assert.equal(lab.ok(['run', '--rm', '-v', `${host}:/data`, 'with-volume', 'ls', '/data']), 'mine\n');
  assert.deepEqual(volumes(), [...before, ...kept].sort());
  assert.deepEqual(lab.mounts(), []);
});

test('--memory and --pids-limit reach the container cgroup', () => {
  const script = [
    'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max',
    'cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max',
  ].join('; ');
  const out = lab.ok(['run', '--rm', '--memory', '64m', '--pids-limit', '7', 'busybox', 'sh', '-c', script]);
  assert.deepEqual(out.trim().split('\n'), ['67108864', '7']);
  // The limit bites: with 7 pids, sh cannot start 20 sleeps.
  const forks = lab.engine(['run', '--rm', '--pids-limit', '7', 'busybox', 'sh', '-c', 'for i in $(seq 20); do sleep 5 & done; wait']);
  assert.match(forks.stderr, /can't fork|Resource temporarily unavailable/);
});

test('--pids-limit must be an integer and -w an absolute path: refused with 125, no container made', () => {
  const before = lab.containerDirs();
  const bad = lab.engine(['run', '--rm', '--pids-limit', 'abc', 'busybox', 'true']);
  assert.equal(bad.code, 125);
  assert.match(bad.stderr, /^Error: invalid argument "abc" for "--pids-limit" flag: strconv\.ParseInt: parsing "abc": invalid syntax$/m);
  const huge = lab.engine(['run', '--rm', '--pids-limit', '9223372036854775808', 'busybox', 'true']);
  assert.equal(huge.code, 125);
  assert.match(huge.stderr, /parsing "9223372036854775808": value out of range/);
  const relative = lab.engine(['run', '--name', 'relative-wd', '-w', 'relative', 'busybox', 'pwd']);
  assert.equal(relative.code, 125);
  assert.equal(relative.stdout, '');
  assert.match(relative.stderr, /^Error: the working directory 'relative' is invalid, it needs to be an absolute path$/m);
  assert.deepEqual(lab.containerDirs(), before);
  // -1 is Docker's "no limit"; the container's pids.max says so.
  const unlimited = lab.ok(['run', '--rm', '--pids-limit', '-1', 'busybox', 'sh', '-c', 'cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max']);
  assert.equal(unlimited, 'max\n');
});

test('exit codes: the program\'s own, 127 not found, 126 not executable, 125 engine errors', () => {
  assert.equal(lab.engine(['run', '--rm', 'busybox', 'sh', '-c', 'exit 3']).code, 3);
  const missing = lab.engine(['run', '--rm', 'busybox', 'no-such-program']);
  assert.equal(missing.code, 127);
  assert.match(missing.stderr, /executable file not found in \$PATH/);
  assert.equal(lab.engine(['run', '--rm', 'busybox', '/etc/passwd']).code, 126);
  const noImage = lab.engine(['run', '--rm', 'no-such-image']);
  assert.equal(noImage.code, 125);
  assert.match(noImage.stderr, /Unable to find image 'no-such-image:latest' locally/);
  assert.match(noImage.stderr, /Error: No such image: no-such-image/);
});

test('--rm leaves nothing: no container, no writable layer, no mount, no cgroup', () => {
  const hostname = lab.ok(['run', '--rm', '--pids-limit', '50', 'busybox', 'hostname']).trim();
  assert.match(hostname, /^[0-9a-f]{12}$/);
  assert.equal(lab.engine(['ps', '-a']).stdout.includes(hostname), false);
  assert.equal(lab.containerDirs().some((d) => d.startsWith(hostname)), false);
  assert.equal(lab.activeSnapshots().some((k) => k.includes(hostname)), false);
  assert.deepEqual(lab.mounts(), []);
  assert.deepEqual(cgroupDirsOf(hostname), []);
});

test('rm -f after the engine itself was killed mid-run leaves nothing: no state, cgroup, mount or process', async () => {
  const [cmd, ...prefix] = engineCommand();
  const engine = spawn(cmd, [...prefix, '--root', lab.root, 'run', '--rm', '--name', 'orphan', 'busybox', 'sleep', '300'], { stdio: 'ignore' });
  const exited = new Promise((resolve) => engine.on('exit', resolve));
  // Wait until the runtime has started the program: its state has a pid and
  // the exec fifo that holds a created container back is gone.
  const runtimeDir = join(lab.root, 'runtime');
  let id = '';
  let pid = 0;
  while (pid === 0 || existsSync(join(runtimeDir, id, 'exec.fifo'))) {
    await new Promise((r) => setTimeout(r, 50));
    id = existsSync(runtimeDir) ? readdirSync(runtimeDir).find((d) => /^[0-9a-f]{64}$/.test(d)) ?? '' : '';
    const statePath = join(runtimeDir, id, 'state.json');
    if (id && existsSync(statePath)) pid = (JSON.parse(readFileSync(statePath, 'utf8')) as { pid: number }).pid;
  }
  engine.kill('SIGKILL');
  await exited;
  assert.match(lab.ok(['ps']), /Up .* orphan/); // the program outlived its engine

  assert.equal(lab.ok(['rm', '-f', 'orphan']), 'orphan\n');
  assert.equal(existsSync(join(runtimeDir, id)), false);
  assert.deepEqual(cgroupDirsOf(id), []);
  assert.deepEqual(lab.mounts(), []);
  assert.equal(lab.containerDirs().some((d) => d.startsWith(id)), false);
  // Gone, or at most a zombie waiting for the host's init to reap it.
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  assert.equal(stat === '' || /^\d+ \(.*\) Z /.test(stat), true, `process ${pid} still alive: ${stat}`);
});

test('without --rm the stopped container keeps its writable layer until rm', () => {
  lab.ok(['run', '--name', 'keeper', 'busybox', 'sh', '-c', 'echo kept > /note']);
  const id = lab.ok(['ps', '-a', '-q']).split('\n').find(Boolean)!;
  assert.match(lab.ok(['ps', '-a']), /Exited \(0\) .* keeper/);
  assert.equal(lab.activeSnapshots().some((k) => k.includes(id)), true);
  assert.equal(lab.ok(['rm', 'keeper']), 'keeper\n');
  assert.equal(lab.activeSnapshots().some((k) => k.includes(id)), false);
  assert.equal(lab.containerDirs().some((d) => d.startsWith(id)), false);
  assert.match(lab.engine(['rm', 'keeper']).stderr, /No such container: keeper/);
});

test('-t gives a terminal (\\r\\n, stderr merged, /dev/pts/0); stdin reaches the program only with -i', () => {
  const tty = lab.engine(['run', '--rm', '-t', 'busybox', 'sh', '-c', 'tty; echo to-stderr >&2']);
  assert.equal(tty.code, 0);
  assert.equal(tty.stdout, '/dev/pts/0\r\nto-stderr\r\n');
  assert.equal(lab.ok(['run', '--rm', '-i', 'busybox', 'cat'], { input: 'piped in\n' }), 'piped in\n');
  assert.equal(lab.ok(['run', '--rm', 'busybox', 'cat'], { input: 'piped in\n' }), '');
});
