// Docker's default security, through skiffd, side by side with a real
// dockerd: the same busybox image (plus a static probe that makes one system
// call by name) runs on both, and what the program inside meets — errno,
// exit code, capability sets, mounts — must be the same. Then what only
// skiffd can show on this host (dockerd's --privileged fails here: its
// runtime asks for every capability the kernel knows, and this host
// withholds one), and an escape battery in a default container.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDockerd, tarDirectory, type Dockerd } from '../helpers/dockerd.ts';
import { makeBusyboxRootfs, makeTempDir, removeTempDir } from '../helpers/rootfs.ts';
import { startSkiffd, type Skiffd } from '../helpers/skiffd.ts';
import { call } from './fixtures.ts';

let skiffd: Skiffd;
let dockerd: Dockerd;
let work: string;

before(async () => {
  work = makeTempDir('skiff-security-');
  const rootfs = makeBusyboxRootfs(join(work, 'rootfs'));
  const cc = spawnSync('gcc', ['-static', '-O2', '-o', join(rootfs, 'bin/probe'), join(import.meta.dirname, 'security-probe.c')], { encoding: 'utf8' });
  assert.equal(cc.status, 0, cc.stderr);
  const tar = tarDirectory(rootfs, join(work, 'busybox.tar'));
  [skiffd, dockerd] = await Promise.all([startSkiffd(), startDockerd()]);
  for (const d of [skiffd, dockerd]) d.docker(['import', tar, 'busybox:latest']);
});
after(async () => {
  await Promise.all([skiffd?.stop(), dockerd?.stop()]);
  removeTempDir(work);
});

type Outcome = Pick<SpawnSyncReturns<string>, 'status' | 'stdout' | 'stderr'>;
const outcome = ({ status, stdout, stderr }: SpawnSyncReturns<string>): Outcome => ({ status, stdout, stderr });
const run = (d: Dockerd, args: string[]) => outcome(d.docker(['run', '--rm', ...args], { allowFail: true }));

/** Runs the same `docker run` on both daemons; they must agree on exit code, stdout and stderr. Answers skiffd's. */
function same(args: string[]): Outcome {
  const ours = run(skiffd, args);
  assert.deepEqual(ours, run(dockerd, args), `docker run ${args.join(' ')}`);
  return ours;
}

// The calls a default container may not make.
const CALLS = ['unshare', 'mount', 'keyctl', 'reboot', 'kexec_load', 'bpf', 'ptrace', 'clock_settime'];

test('a default container holds what Docker gives: 14 capabilities, no_new_privs off, one seccomp filter', () => {
  const status = same(['busybox', 'grep', '-E', '^(Cap|NoNewPrivs|Seccomp)', '/proc/self/status']).stdout;
  assert.match(status, /^CapEff:\s+00000000a80425fb$/m);
  assert.match(status, /^NoNewPrivs:\s+0$/m);
  assert.match(status, /^Seccomp:\s+2$/m);
});

test('unshare, mount, keyctl, reboot, kexec_load, bpf, ptrace of another process, clock_settime: refused as under dockerd', () => {
  for (const name of CALLS) {
    const { status, stdout } = same(['busybox', 'probe', name]);
    assert.equal(stdout, `${name}: EPERM\n`);
    assert.equal(status, 1);
  }
});

test('an exec\'d process is held by the same filter', () => {
  for (const d of [skiffd, dockerd]) d.docker(['run', '-d', '--name', 'held', 'busybox', 'sleep', '60']);
  const exec = (d: Dockerd) => outcome(d.docker(['exec', 'held', 'probe', 'unshare'], { allowFail: true }));
  assert.deepEqual(exec(skiffd), exec(dockerd));
  assert.equal(exec(skiffd).stdout, 'unshare: EPERM\n');
  for (const d of [skiffd, dockerd]) d.docker(['rm', '-f', 'held']);
});

test('the confinement is decided once, at create: it holds after a stop, a start and the daemon killed and started again', async () => {
  skiffd.docker(['create', '--name', 'kept', '--cap-drop', 'ALL', 'busybox', 'sh', '-c', 'grep -E "^(CapEff|Seccomp):" /proc/self/status']);
  const expected = 'CapEff:\t0000000000000000\nSeccomp:\t2\n';
  assert.equal(skiffd.docker(['start', '-a', 'kept']).stdout, expected);
  assert.equal(skiffd.docker(['start', '-a', 'kept']).stdout, expected);
  await skiffd.restart();
  assert.equal(skiffd.docker(['start', '-a', 'kept']).stdout, expected);
  skiffd.docker(['rm', 'kept']);
});

test('--privileged: every one of those calls gets past the kernel\'s permission check', () => {
  const { stdout } = run(skiffd, ['--privileged', 'busybox', 'probe', ...CALLS]);
  const answers = Object.fromEntries(stdout.trim().split('\n').map((line) => line.split(': ')));
  for (const name of ['unshare', 'mount', 'keyctl', 'bpf', 'ptrace']) assert.equal(answers[name], 'ok', `${name} works`);
  // The harmless forms: rebooting a PID namespace with CAD_OFF, loading
  // 0xffff kexec segments and setting an invalid time are EINVAL once
  // allowed (ENOSYS for a kernel built without kexec) — EPERM no longer.
  for (const name of ['reboot', 'kexec_load', 'clock_settime']) assert.match(answers[name], /^(EINVAL|ENOSYS)$/, name);
});

test('--privileged: all the daemon\'s capabilities, no filter, every host device, nothing masked, /sys writable', () => {
  const daemonBounding = /^CapBnd:\s+(\w+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))![1];
  const { stdout, status } = run(skiffd, ['--privileged', 'busybox', 'sh', '-c',
    "grep -E '^(CapEff|Seccomp):' /proc/self/status; (exec 3</dev/loop-control) && echo opened; awk '$5 ~ \"^/proc/|^/sys$\" {print $5, $6}' /proc/self/mountinfo"]);
  assert.equal(status, 0);
  assert.match(stdout, new RegExp(`^CapEff:\\s+${daemonBounding}$`, 'm'));
  assert.match(stdout, /^Seccomp:\s+0$/m);
  assert.match(stdout, /^opened$/m, 'a host device not in the default set opens');
  assert.match(stdout, /^\/sys rw,/m);
  assert.doesNotMatch(stdout, /^\/proc\//m, 'no path of /proc masked or made read-only');
});

test('the same mounts over /proc, /sys and /dev as dockerd, read-only where its are', () => {
  // Read-only or not, per mount point. Docker's v1 /sys/fs/cgroup is a
  // writable tmpfs over read-only hierarchies; skiff mounts it read-only.
  const script = "awk '{split($6, o, \",\"); print $5, o[1]}' /proc/self/mountinfo | grep -E '^/(proc|sys|dev)' | grep -v '^/sys/fs/cgroup ' | sort";
  const { stdout } = same(['busybox', 'sh', '-c', script]);
  for (const point of ['/proc/sys ro', '/proc/bus ro', '/proc/keys rw', '/sys ro']) assert.match(stdout, new RegExp(`^${point}$`, 'm'));
});

test('--cap-drop ALL makes chown fail; --cap-add gives back one capability, and the calls the profile keeps for it', () => {
  const chown = same(['--cap-drop', 'ALL', 'busybox', 'chown', '1', '/tmp']);
  assert.equal(chown.status, 1);
  assert.equal(chown.stderr, 'chown: /tmp: Operation not permitted\n');
  assert.equal(same(['--cap-drop', 'ALL', '--cap-add', 'chown', 'busybox', 'chown', '1', '/tmp']).status, 0);
  // CAP_SYS_ADMIN brings unshare and mount into the seccomp profile too.
  assert.equal(same(['--cap-add', 'SYS_ADMIN', 'busybox', 'probe', 'unshare', 'mount']).stdout, 'unshare: ok\nmount: ok\n');
  assert.match(same(['--cap-drop', 'ALL', '--cap-add', 'CAP_CHOWN', 'busybox', 'grep', 'CapEff', '/proc/self/status']).stdout, /^CapEff:\s+0+1$/m);
});

test('--read-only: writes refused everywhere but the tmpfs mounts', () => {
  const { stdout, stderr } = same(['--read-only', 'busybox', 'sh', '-c', 'touch /x; touch /tmp/x; mkdir /root/d; echo kept > /dev/shm/x && cat /dev/shm/x']);
  assert.equal(stdout, 'kept\n');
  assert.equal(stderr, 'touch: /x: Read-only file system\ntouch: /tmp/x: Read-only file system\nmkdir: can\'t create directory \'/root/d\': Read-only file system\n');
});

test('--security-opt no-new-privileges and seccomp=unconfined', () => {
  assert.match(same(['--security-opt', 'no-new-privileges', 'busybox', 'grep', 'NoNewPrivs', '/proc/self/status']).stdout, /NoNewPrivs:\s+1/);
  const unconfined = same(['--security-opt', 'seccomp=unconfined', 'busybox', 'sh', '-c', 'grep "^Seccomp:" /proc/self/status; probe keyctl unshare']);
  // Without the filter keyctl works; unshare is still refused, by the missing CAP_SYS_ADMIN.
  assert.equal(unconfined.stdout, 'Seccomp:\t0\nkeyctl: ok\nunshare: EPERM\n');
});

test('--security-opt seccomp=profile.json: Docker\'s format, its conditions resolved for the container', () => {
  const profile = join(work, 'no-mkdir.json');
  writeFileSync(profile, JSON.stringify({
    defaultAction: 'SCMP_ACT_ALLOW',
    archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] }],
    syscalls: [
      { names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 13, excludes: { caps: ['CAP_SYS_ADMIN'] } },
      { name: 'rmdir', action: 'SCMP_ACT_ERRNO', includes: { arches: ['s390x'] } },
    ],
  }));
  const denied = same(['--security-opt', `seccomp=${profile}`, 'busybox', 'sh', '-c', 'mkdir /d; mkdir /tmp/e && rmdir /tmp/e && echo rmdir allowed']);
  assert.equal(denied.stderr, "mkdir: can't create directory '/d': Permission denied\nmkdir: can't create directory '/tmp/e': Permission denied\n");
  const excluded = same(['--cap-add', 'SYS_ADMIN', '--security-opt', `seccomp=${profile}`, 'busybox', 'sh', '-c', 'mkdir /d && rmdir /d && echo rmdir allowed']);
  assert.equal(excluded.stdout, 'rmdir allowed\n');
});

test('--device: the host\'s node in the container, usable; a missing one refused in dockerd\'s words', () => {
  const listed = same(['--device', '/dev/loop-control', 'busybox', 'sh', '-c', "stat -c '%F %t:%T %a' /dev/loop-control; (exec 3</dev/loop-control) && echo opened"]);
  assert.equal(listed.stdout, 'character special file a:ed 600\nopened\n');
  const missing = same(['--device', '/dev/no-such-device', 'busybox', 'true']);
  assert.equal(missing.status, 127); // the CLI's code for an error that says "no such file or directory"
  assert.match(missing.stderr, /error gathering device information while adding custom device "\/dev\/no-such-device": no such file or directory/);
});

test('--device-cgroup-rule: a node the container makes, it may open; systempaths=unconfined: nothing masked', () => {
  assert.equal(same(['--device-cgroup-rule', 'c 10:237 r', 'busybox', 'sh', '-c', 'mknod /tmp/lc c 10 237 && (exec 3</tmp/lc) && echo opened']).stdout, 'opened\n');
  assert.equal(same(['busybox', 'sh', '-c', 'mknod /tmp/lc c 10 237 && (exec 3</tmp/lc) && echo opened']).status, 1);
  const unmasked = same(['--security-opt', 'systempaths=unconfined', 'busybox', 'sh', '-c', "awk '$5 ~ \"^/proc/\"' /proc/self/mountinfo | wc -l"]);
  assert.equal(unmasked.stdout.trim(), '0');
});

test('bad security fields: 400 in dockerd\'s words; what skiffd cannot apply, refused by name', async () => {
  const create = (d: Dockerd, hostConfig: object) =>
    call(d, 'POST', '/v1.41/containers/create', JSON.stringify({ Image: 'busybox', Cmd: ['true'], HostConfig: hostConfig }), { 'Content-Type': 'application/json' });
  for (const hc of [{ SecurityOpt: ['foo=bar'] }, { SecurityOpt: ['nope'] }, { SecurityOpt: ['no-new-privileges=maybe'] }, { CapAdd: ['foo'] }, { CapDrop: ['CAP_NOPE'] }]) {
    const [ours, theirs] = await Promise.all([create(skiffd, hc), create(dockerd, hc)]);
    assert.deepEqual(JSON.parse(ours.body), JSON.parse(theirs.body), JSON.stringify(hc));
    // dockerd 20.10 answers some of these 500, a bug later versions fixed: they are the client's mistake.
    assert.equal(ours.status, 400);
    assert.ok(theirs.status >= 400, JSON.stringify(hc));
  }
  const refused: [object, RegExp][] = [
    [{ SecurityOpt: ['apparmor=docker-default'] }, /AppArmor/],
    [{ SecurityOpt: ['label=type:container_t'] }, /SELinux/],
    [{ SecurityOpt: ['seccomp={"defaultAction":"SCMP_ACT_NOPE"}'] }, /defaultAction: unknown action "SCMP_ACT_NOPE"/],
    [{ SecurityOpt: ['seccomp={'] }, /^Decoding seccomp profile failed: /],
    [{ Devices: [{ PathOnHost: '/dev/null', PathInContainer: '/dev/n', CgroupPermissions: 'r' }] }, /device permissions "r" .* not supported/],
    [{ UsernsMode: 'private' }, /^invalid UsernsMode: private: this daemon knows "host", and "private" only with --userns-remap$/],
    [{ DeviceCgroupRules: ['c 1:3'] }, /^invalid device cgroup rule format: 'c 1:3'$/],
    [{ DeviceRequests: [{ Driver: 'nvidia', Count: -1, Capabilities: [['gpu']] }] }, /DeviceRequests \(--gpus\) is not supported/],
  ];
  for (const [hc, message] of refused) {
    const reply = await create(skiffd, hc);
    assert.equal(reply.status, 400, JSON.stringify(hc));
    assert.match(JSON.parse(reply.body).message, message);
  }
});

test('docker info names the seccomp profile', () => {
  assert.deepEqual(JSON.parse(skiffd.docker(['info', '--format', '{{json .SecurityOptions}}']).stdout), ['name=seccomp,profile=builtin', 'name=cgroupns']);
  assert.match(skiffd.docker(['info']).stdout, /Security Options:\n\s+seccomp\n\s+Profile: builtin\n\s+cgroupns\n/);
});

// The escape battery.
test('escape battery in a default container: each way out refused, as under dockerd', () => {
  const refused = (script: string, message: RegExp) => {
    const r = same(['busybox', 'sh', '-c', script]);
    assert.notEqual(r.status, 0, script);
    assert.match(r.stderr, message, script);
  };
  // The kernel's tunables: /proc/sys is read-only (core_pattern is the classic way out: a host program run on a crash).
  refused('echo "|/tmp/x" > /proc/sys/kernel/core_pattern', /Read-only file system/);
  // Absent on a kernel without magic SysRq, read-only where present.
  refused('echo h > /proc/sysrq-trigger', /(Read-only file system|nonexistent directory)/);
  // The host's disk: making its node is allowed (CAP_MKNOD), opening or mounting it is not.
  const root = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').find((l) => l.split(' ')[4] === '/')!.split(' ')[2]!;
  const [major, minor] = root.split(':');
  refused(`mknod /tmp/disk b ${major} ${minor} && mount /tmp/disk /tmp`, /permission denied/);
  refused(`mknod /tmp/disk b ${major} ${minor} && head -c 512 /tmp/disk`, /Operation not permitted/);
  refused('mknod /tmp/loop b 7 0 && head -c 512 /tmp/loop', /Operation not permitted/);
  // /proc/1 is the container's own first process: its root is the container's.
  const marker = join(work, 'host-only');
  writeFileSync(marker, 'host\n');
  refused(`cat /proc/1/root${marker}`, /No such file or directory/);
  const image = readdirSync(join(work, 'rootfs')).sort();
  assert.equal(same(['busybox', 'sh', '-c', 'ls /proc/1/root/']).stdout, `${image.join('\n')}\n`);
  // Nothing of the daemon's or the runtime's leaks in: stdio and ls's own directory.
  assert.equal(same(['busybox', 'ls', '/proc/self/fd']).stdout, '0\n1\n2\n3\n');
});

test('CVE-2019-5736\'s shape: no runtime binary passing through a container can be opened for writing', async () => {
  const node = createHash('sha256').update(readFileSync(process.execPath)).digest('hex');
  for (const d of [skiffd, dockerd]) {
    d.docker(['run', '-d', '--name', 'watcher', 'busybox', 'sleep', '60']);
    // The watcher tries every foreign /proc/PID/exe while the runtime runs execs into its container.
    const watch = new Promise<string>((done) => {
      let out = '';
      const child = spawn('docker', ['-H', d.host, 'exec', 'watcher', 'probe', 'watch-exe', '5'], { stdio: ['ignore', 'pipe', 'inherit'] });
      child.stdout.on('data', (c) => (out += c));
      child.on('close', () => done(out));
    });
    await sleep(1000);
    for (let i = 0; i < 6; i++) d.docker(['exec', 'watcher', 'true']);
    const seen = await watch;
    assert.match(seen, /^opened for writing: 0$/m, seen);
    assert.doesNotMatch(seen, /write:ok/, seen);
    d.docker(['rm', '-f', 'watcher']);
  }
  assert.equal(createHash('sha256').update(readFileSync(process.execPath)).digest('hex'), node, 'the host\'s node binary is unchanged');
});
