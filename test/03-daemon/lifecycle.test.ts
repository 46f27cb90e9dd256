// A running container's life through skiffd, with the real docker CLI:
// logs (-f, --tail, -t, --since), exec, attach, stop, kill, restart,
// pause/unpause, wait, top, stats, cp both ways, diff, export, update,
// commit, ps --size, rm -f and the events they publish — each checked where
// it shows: the CLI's output, the kernel's view of the processes (/proc,
// the cgroup freezer), the files on both sides.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSkiffd, type Skiffd } from '../helpers/skiffd.ts';
import { call, dockerInBackground, importBusybox } from './fixtures.ts';
import { request } from 'node:http';

let d: Skiffd;
const ok = (args: string[], input?: string) => d.docker(args, { input }).stdout;
const fails = (args: string[]) => {
  const r = d.docker(args, { allowFail: true });
  assert.notEqual(r.status, 0, `docker ${args.join(' ')} should fail`);
  return r.stderr;
};
const lines = (text: string) => text.split('\n').filter(Boolean);
const fullId = (name: string) => ok(['inspect', '--format', '{{.Id}}', name]).trim();
const pidOf = (name: string) => Number(ok(['inspect', '--format', '{{.State.Pid}}', name]));

/** The docker CLI in the background, for commands that wait (logs -f, attach). */
const background = (args: string[], input?: string) => dockerInBackground(d, args, input);

async function until(what: string, probe: () => boolean, ms = 15_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(50)) if (probe()) return;
  assert.fail(`timed out waiting for ${what}`);
}

before(async () => {
  d = await startSkiffd();
  importBusybox(d);
});
after(() => d?.stop());

test('logs: both streams apart, --tail, -t with nine fractional digits, --since, and -f until the exit', async () => {
  ok(['run', '--name', 'talker', 'busybox', 'sh', '-c', 'echo one; echo two; sleep 0.1; echo three >&2']);
  const all = d.docker(['logs', 'talker']);
  assert.equal(all.stdout, 'one\ntwo\n');
  assert.equal(all.stderr, 'three\n');
  assert.equal(d.docker(['logs', '--tail', '1', 'talker']).stderr, 'three\n');
  assert.equal(d.docker(['logs', '--tail', '1', 'talker']).stdout, '');
  for (const line of lines(ok(['logs', '-t', 'talker']))) assert.match(line, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z (one|two)$/);
  const future = String(Math.floor(Date.now() / 1000) + 3600);
  assert.equal(ok(['logs', '--since', future, 'talker']), '');

  ok(['run', '-d', '--name', 'follow', 'busybox', 'sh', '-c', 'echo a; sleep 1; echo b; exit 2']);
  const started = Date.now();
  const followed = await background(['logs', '-f', 'follow']);
  assert.equal(followed.stdout, 'a\nb\n');
  assert.ok(Date.now() - started >= 700, 'logs -f waited for the container');
  ok(['rm', 'talker', 'follow']);
});

test('exec joins the container\'s namespaces; its exit code is the CLI\'s; a missing program is 126', async () => {
  ok(['run', '-d', '--name', 'host1', 'busybox', 'sleep', '60']);
  const pid = pidOf('host1');
  assert.equal(ok(['exec', 'host1', 'sh', '-c', 'readlink /proc/1/exe; hostname']), `/bin/busybox\n${fullId('host1').slice(0, 12)}\n`);
  // Seen from the host: the exec'd process is in the container's PID namespace.
  const inner = spawn('docker', ['-H', d.host, 'exec', 'host1', 'sleep', '5'], { env: { ...process.env, DOCKER_CONFIG: join(d.dir, 'cli-config') } });
  let execPid = 0;
  await until('the exec to run', () => {
    const row = lines(ok(['top', 'host1', '-o', 'pid,comm'])).slice(1).map((l) => l.trim().split(/\s+/)).find(([p, comm]) => comm === 'sleep' && Number(p) !== pid);
    execPid = row ? Number(row[0]) : 0;
    return execPid > 0;
  });
  const nsOf = (p: number) => spawnSync('readlink', [`/proc/${p}/ns/pid`], { encoding: 'utf8' }).stdout;
  assert.equal(nsOf(execPid), nsOf(pid));
  assert.notEqual(nsOf(execPid), nsOf(process.pid));
  inner.kill();
  const r = d.docker(['exec', 'host1', 'sh', '-c', 'exit 9'], { allowFail: true });
  assert.equal(r.status, 9);
  const missing = d.docker(['exec', 'host1', 'nothere'], { allowFail: true });
  assert.equal(missing.status, 126);
  assert.match(missing.stdout, /executable file not found/);
  assert.equal(ok(['exec', '-i', 'host1', 'cat'], 'through exec stdin\n'), 'through exec stdin\n');
  ok(['rm', '-f', 'host1']);
});

test('attach streams what comes next and exits with the container\'s code', async () => {
  // The program speaks only once told to, after the attach is in place (the
  // daemon's attach event says so), so a slow machine cannot make it miss the words.
  const since = Math.floor(Date.now() / 1000) - 1;
  ok(['run', '-d', '--name', 'ticker', 'busybox', 'sh', '-c', 'until [ -e /go ]; do sleep 0.05; done; echo tick; echo tock >&2; exit 3']);
  const attached = background(['attach', 'ticker']);
  await until('the attach', () => ok(['events', '--since', String(since), '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', 'event=attach', '--filter', 'container=ticker', '--format', '{{.Action}}']) !== '');
  ok(['exec', 'ticker', 'touch', '/go']);
  assert.deepEqual(await attached, { code: 3, stdout: 'tick\n', stderr: 'tock\n' });
  ok(['rm', 'ticker']);
});

test('stop: SIGTERM, then SIGKILL at the deadline (137); kill -s delivers the signal; kill of a stopped one is refused', async () => {
  ok(['run', '-d', '--name', 'stubborn', 'busybox', 'sh', '-c', 'trap "" TERM; sleep 30']);
  const pid = pidOf('stubborn');
  const started = Date.now();
  assert.equal(ok(['stop', '-t', '1', 'stubborn']), 'stubborn\n');
  assert.ok(Date.now() - started >= 1000);
  assert.equal(ok(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', 'stubborn']), 'exited 137\n');
  assert.equal(existsSync(`/proc/${pid}`), false);
  assert.equal(ok(['stop', 'stubborn']), 'stubborn\n', 'stopping a stopped container succeeds');
  assert.equal(fails(['kill', 'stubborn']), `Error response from daemon: Cannot kill container: stubborn: Container ${fullId('stubborn')} is not running\n`);
  ok(['run', '-d', '--name', 'hup', 'busybox', 'sh', '-c', 'trap "echo got HUP; exit 5" HUP; while :; do sleep 0.1; done']);
  await sleep(300);
  ok(['kill', '-s', 'HUP', 'hup']);
  assert.equal(ok(['wait', 'hup']), '5\n');
  assert.equal(ok(['logs', 'hup']), 'got HUP\n');
  ok(['rm', 'stubborn', 'hup']);
});

test('restart: a new PID 1, the old one gone, logs kept; RestartCount stays 0', () => {
  ok(['run', '-d', '--name', 'again', 'busybox', 'sh', '-c', 'echo started; sleep 30']);
  const first = pidOf('again');
  assert.equal(ok(['restart', '-t', '0', 'again']), 'again\n');
  const second = pidOf('again');
  assert.notEqual(second, first);
  assert.equal(existsSync(`/proc/${first}`), false);
  assert.equal(ok(['inspect', '--format', '{{.State.Status}} {{.RestartCount}}', 'again']), 'running 0\n');
  ok(['rm', '-f', 'again']);
});

test('pause freezes every process (no output, no exec), unpause thaws them', async () => {
  ok(['run', '-d', '--name', 'frozen', 'busybox', 'sh', '-c', 'while :; do echo x; sleep 0.05; done']);
  await until('output', () => ok(['logs', 'frozen']).length > 0);
  ok(['pause', 'frozen']);
  assert.equal(ok(['inspect', '--format', '{{.State.Status}} {{.State.Paused}}', 'frozen']), 'paused true\n');
  const count = lines(ok(['logs', 'frozen'])).length;
  await sleep(300);
  assert.equal(lines(ok(['logs', 'frozen'])).length, count, 'no output while frozen');
  assert.match(fails(['exec', 'frozen', 'true']), /is paused, unpause the container before exec/);
  ok(['unpause', 'frozen']);
  await until('output again', () => lines(ok(['logs', 'frozen'])).length > count);
  ok(['rm', '-f', 'frozen']);
});

test('wait blocks until the exit and prints the code; top lists host pids; stats --no-stream one sample', () => {
  // It exits when told to, not after a time a loaded machine might outrun.
  ok(['run', '-d', '--name', 'measured', '--memory', '48m', 'busybox', 'sh', '-c', 'until [ -e /done ]; do sleep 0.1; done; exit 7']);
  const pid = pidOf('measured');
  const top = lines(ok(['top', 'measured']));
  assert.deepEqual(top[0]!.split(/\s+/), ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD']);
  assert.ok(top.slice(1).some((row) => row.split(/\s+/)[1] === String(pid)));
  const [, row] = lines(ok(['stats', '--no-stream', 'measured']));
  assert.match(row!, / \/ 48MiB /);
  ok(['exec', 'measured', 'touch', '/done']);
  assert.equal(ok(['wait', 'measured']), '7\n');
  ok(['rm', 'measured']);
});

test('cp both ways, running or stopped; diff lists the changes; export has them; ps --size counts them', () => {
  ok(['run', '-d', '--name', 'box', 'busybox', 'sleep', '60']);
  const file = join(d.dir, 'to-box.txt');
  writeFileSync(file, 'into the box\n');
  ok(['cp', file, 'box:/tmp/']);
  assert.equal(ok(['exec', 'box', 'cat', '/tmp/to-box.txt']), 'into the box\n');
  ok(['exec', 'box', 'sh', '-c', 'echo made inside > /made.txt; rm /etc/group']);
  const out = join(d.dir, 'out');
  mkdirSync(out);
  ok(['cp', 'box:/made.txt', out]);
  assert.equal(readFileSync(join(out, 'made.txt'), 'utf8'), 'made inside\n');
  assert.deepEqual(lines(ok(['diff', 'box'])), ['A /made.txt', 'C /etc', 'D /etc/group', 'C /tmp', 'A /tmp/to-box.txt'].sort((a, b) => a.slice(2).localeCompare(b.slice(2))));
  const size = ok(['ps', '--size', '--filter', 'name=box', '--format', '{{.Size}}']);
  assert.match(size, /^\d+B \(virtual [\d.]+MB\)\n$/);
  assert.equal(Number(/^(\d+)B/.exec(size)![1]), 'into the box\n'.length + 'made inside\n'.length);
  ok(['stop', '-t', '0', 'box']);
  ok(['cp', 'box:/tmp/to-box.txt', join(out, 'after-stop.txt')]);
  assert.equal(readFileSync(join(out, 'after-stop.txt'), 'utf8'), 'into the box\n');
  ok(['export', '-o', join(out, 'box.tar'), 'box']);
  const tar = spawnSync('tar', ['-tf', join(out, 'box.tar')], { encoding: 'utf8' });
  assert.ok(lines(tar.stdout).includes('made.txt'));
  assert.ok(!lines(tar.stdout).includes('etc/group'));
  assert.equal(fails(['cp', 'box:/nope', out]), 'Error response from daemon: Could not find the file /nope in container box\n');
  ok(['rm', 'box']);
});

test('update changes the limit the kernel enforces on a running container; commit makes an image of its changes', () => {
  const id = ok(['run', '-d', '--name', 'grower', '--memory', '32m', 'busybox', 'sh', '-c', 'echo kept > /kept.txt; sleep 60']).trim();
  ok(['update', '--memory', '64m', '--memory-swap', '128m', '--pids-limit', '50', '--cpus', '0.5', 'grower']);
  const file = (v1: string, v2: string) => (existsSync(`/sys/fs/cgroup/${v1.replace('/', `/skiff/${id}/`)}`)
    ? readFileSync(`/sys/fs/cgroup/${v1.replace('/', `/skiff/${id}/`)}`, 'utf8') : readFileSync(`/sys/fs/cgroup/skiff/${id}/${v2}`, 'utf8')).trim();
  assert.equal(file('memory/memory.limit_in_bytes', 'memory.max'), String(64 << 20));
  assert.equal(file('pids/pids.max', 'pids.max'), '50');
  assert.match(file('cpu/cpu.cfs_quota_us', 'cpu.max'), /^50000( 100000)?$/);
  assert.equal(ok(['inspect', '--format', '{{.HostConfig.Memory}}', 'grower']), `${64 << 20}\n`);
  const image = ok(['commit', '-c', 'CMD ["cat", "/kept.txt"]', 'grower', 'grown:1']).trim();
  assert.match(image, /^sha256:[0-9a-f]{64}$/);
  assert.equal(ok(['run', '--rm', 'grown:1']), 'kept\n');
  ok(['rm', '-f', 'grower']);
  ok(['rmi', 'grown:1']);
});

test('stats streams one sample a second, each with the one before it', async () => {
  ok(['run', '-d', '--name', 'streamed', 'busybox', 'sh', '-c', 'while :; do :; done']);
  const samples: { cpu_stats: { cpu_usage: { total_usage: number }; system_cpu_usage: number }; precpu_stats: { system_cpu_usage: number } }[] = [];
  await new Promise<void>((resolve, reject) => {
    const req = request({ socketPath: d.host.slice('unix://'.length), path: '/v1.50/containers/streamed/stats' }, (res) => {
      let buffered = '';
      res.setEncoding('utf8').on('data', (chunk: string) => {
        buffered += chunk;
        const complete = buffered.split('\n');
        buffered = complete.pop()!;
        for (const line of complete) samples.push(JSON.parse(line));
        if (samples.length >= 2) {
          req.destroy();
          resolve();
        }
      });
    });
    req.on('error', (err) => (samples.length >= 2 ? resolve() : reject(err)));
    req.end();
  });
  const [first, second] = samples;
  assert.equal(second!.precpu_stats.system_cpu_usage, first!.cpu_stats.system_cpu_usage);
  // A busy loop: its CPU time grew between the two samples.
  assert.ok(second!.cpu_stats.cpu_usage.total_usage > first!.cpu_stats.cpu_usage.total_usage);
  ok(['rm', '-f', 'streamed']);
  assert.equal((await call(d, 'GET', '/_ping')).body, 'OK', 'the daemon noticed the client leave and serves on');
});

test('rm -f kills and removes a running container, its cgroup and its mount; events tell run --rm\'s story', () => {
  const since = String(Date.now() / 1000);
  const id = ok(['run', '-d', '--name', 'doomed', 'busybox', 'sleep', '60']).trim();
  ok(['rm', '-f', 'doomed']);
  assert.ok(!readFileSync('/proc/self/mountinfo', 'utf8').includes(id), 'no mount of it left');
  assert.equal(existsSync(`/sys/fs/cgroup/memory/skiff/${id}`) || existsSync(`/sys/fs/cgroup/skiff/${id}`), false, 'no cgroup of it left');
  ok(['run', '--rm', '--name', 'storyteller', 'busybox', 'true']);
  const until = String(Date.now() / 1000 + 0.5);
  const story = ok(['events', '--since', since, '--until', until, '--filter', 'container=storyteller', '--format', '{{.Action}}']);
  assert.deepEqual(lines(story), ['create', 'attach', 'start', 'die', 'destroy']);
});
