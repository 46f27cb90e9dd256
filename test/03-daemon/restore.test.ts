// Containers outlive their daemon. skiffd is killed with SIGKILL while
// containers run, and started again over the same data: the running ones
// are still running, the same processes, and are re-attached through their
// shims — logs -f, attach, exec, stop and kill all work; one that exited
// while no daemon was there has its exit code and its logs; restart
// policies act on the daemon's start; and no record is half-written.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSkiffd, type Skiffd } from '../helpers/skiffd.ts';
import { dockerInBackground, importBusybox } from './fixtures.ts';

let d: Skiffd;
const ok = (args: string[], input?: string) => d.docker(args, { input }).stdout;
const inspect = (name: string, format: string) => ok(['inspect', '--format', format, name]).trim();
const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));

const background = (args: string[], input?: string) => dockerInBackground(d, args, input);

const pids: Record<string, number> = {};

before(async () => {
  d = await startSkiffd();
  importBusybox(d);
  ok(['run', '-d', '--name', 'ticker', 'busybox', 'sh', '-c', 'i=0; while [ $i -lt 600 ]; do echo tick $i; i=$((i+1)); sleep 0.1; done']);
  ok(['run', '-d', '-i', '--name', 'reader', 'busybox', 'sh', '-c', 'read line; echo "read: $line"; exit 6']);
  ok(['run', '-d', '--name', 'victim', 'busybox', 'sleep', '60']);
  ok(['run', '-d', '--name', 'quitter', 'busybox', 'sh', '-c', 'echo leaving soon; sleep 1.5; echo leaving now; exit 5']);
  assert.equal(d.docker(['run', '--name', 'done', 'busybox', 'sh', '-c', 'echo bye; exit 3'], { allowFail: true }).status, 3);
  ok(['run', '-d', '--name', 'always', '--restart', 'always', 'busybox', 'sleep', '60']);
  ok(['stop', '-t', '0', 'always']);
  ok(['run', '-d', '--name', 'unless', '--restart', 'unless-stopped', 'busybox', 'sleep', '60']);
  ok(['stop', '-t', '0', 'unless']);
  ok(['run', '-d', '--name', 'failing', '--restart', 'on-failure:5', 'busybox', 'sh', '-c', 'sleep 1.5; exit 1']);
  for (const name of ['ticker', 'reader', 'victim', 'quitter', 'failing']) pids[name] = Number(inspect(name, '{{.State.Pid}}'));
  await sleep(300);
  await d.restart('SIGKILL');
});
after(() => d?.stop());

test('the containers ran on while no daemon was there: the same processes, still running', () => {
  for (const name of ['ticker', 'reader', 'victim']) {
    assert.ok(alive(pids[name]!), `${name}'s PID 1 is alive`);
    assert.equal(inspect(name, '{{.State.Status}} {{.State.Pid}}'), `running ${pids[name]}`);
  }
  assert.match(ok(['ps', '--format', '{{.Names}}']), /ticker/);
});

test('one that exited meanwhile has its exit code and its logs', async () => {
  for (let i = 0; i < 50 && inspect('quitter', '{{.State.Status}}') !== 'exited'; i++) await sleep(100);
  assert.equal(inspect('quitter', '{{.State.Status}} {{.State.ExitCode}}'), 'exited 5');
  assert.equal(ok(['logs', 'quitter']), 'leaving soon\nleaving now\n');
  assert.equal(inspect('done', '{{.State.Status}} {{.State.ExitCode}}'), 'exited 3');
  assert.equal(ok(['logs', 'done']), 'bye\n');
  assert.equal(ok(['wait', 'quitter']), '5\n');
});

test('re-attached: logs -f follows, exec runs, attach carries stdin, kill and stop work', async () => {
  const followed = background(['logs', '-f', '--tail', '2', 'ticker']);
  await sleep(600);
  assert.equal(ok(['exec', 'ticker', 'echo', 'exec after restart']), 'exec after restart\n');
  assert.equal(ok(['stop', '-t', '1', 'ticker']), 'ticker\n');
  const { stdout } = await followed;
  const ticks = stdout.trim().split('\n');
  assert.ok(ticks.length > 4, `logs -f kept following after the restart: ${stdout}`);
  assert.ok(ticks.every((line) => /^tick \d+$/.test(line)));
  assert.equal(inspect('ticker', '{{.State.Status}}'), 'exited');
  assert.equal(alive(pids.ticker!), false);

  const attached = await background(['attach', 'reader'], 'hello again\n');
  assert.equal(attached.code, 6);
  assert.equal(ok(['logs', 'reader']), 'read: hello again\n');

  ok(['kill', 'victim']);
  assert.equal(inspect('victim', '{{.State.Status}} {{.State.ExitCode}}'), 'exited 137');
  assert.equal(alive(pids.victim!), false);
});

test('restart policies on the daemon\'s start: always runs again, unless-stopped stays stopped, on-failure retries', async () => {
  for (let i = 0; i < 50 && inspect('always', '{{.State.Status}}') !== 'running'; i++) await sleep(100);
  assert.equal(inspect('always', '{{.State.Status}}'), 'running');
  assert.equal(inspect('unless', '{{.State.Status}}'), 'exited');
  // on-failure: it failed while no daemon watched, and runs again once one does.
  for (let i = 0; i < 60 && Number(inspect('failing', '{{.RestartCount}}')) < 1; i++) await sleep(100);
  assert.ok(Number(inspect('failing', '{{.RestartCount}}')) >= 1);
});

test('nothing half-written: every record parses, no temporary file is left', () => {
  const root = join(d.dir, 'data/containers');
  for (const id of readdirSync(root).filter((n) => /^[0-9a-f]{64}$/.test(n))) {
    const files = readdirSync(join(root, id));
    assert.ok(!files.some((f) => f.endsWith('.tmp')), `${id}: ${files.join(' ')}`);
    const record = JSON.parse(readFileSync(join(root, id, 'config.v2.json'), 'utf8'));
    assert.equal(record.ID, id);
  }
});
