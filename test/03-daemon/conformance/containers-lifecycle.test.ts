// A container's life after `run`: listing (ps), stopping, killing,
// restarting, pausing, waiting, looking inside (top, stats, inspect), renaming,
// copying files both ways, removing, pruning.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { AGO, cells, eventually, ID12, ID64, IMAGE, lines, SIZE, useConformance } from './target.js';

describe('conformance: container lifecycle', () => {
  const c = useConformance();

  const state = (name: string) => c.ok(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', name]).trim();
  const fullId = (name: string) => c.ok(['inspect', '--format', '{{.Id}}', name]).trim();

  describe('ps', () => {
    // Made oldest first; ps lists newest first.
    before(() => {
      c.ok(['run', '-d', '--name', 'web', '-l', 'app=web', IMAGE, 'sleep', '300']);
      c.ok(['run', '--name', 'done0', IMAGE, 'true']);
      assert.equal(c.docker(['run', '--name', 'done3', '-l', 'app=batch', IMAGE, 'sh', '-c', 'exit 3']).code, 3);
      c.ok(['create', '--name', 'fresh', IMAGE, 'echo', 'created']);
      c.ok(['run', '-d', '--name', 'paus', IMAGE, 'sleep', '300']);
      c.ok(['pause', 'paus']);
    });
    after(() => {
      c.ok(['rm', '-f', 'web', 'done0', 'done3', 'fresh', 'paus']);
    });

    it('lists running containers in a table, newest first, paused ones marked', () => {
      const [header, ...rows] = lines(c.ok(['ps']));
      assert.deepEqual(cells(header), ['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES']);
      assert.equal(rows.length, 2);
      const [paus, web] = rows.map(cells);
      // PORTS is empty, so a row has six cells.
      assert.equal(paus.length, 6);
      assert.match(paus[0], new RegExp(`^${ID12}$`));
      assert.equal(paus[0], fullId('paus').slice(0, 12));
      assert.deepEqual(paus.slice(1, 3), [IMAGE, '"sleep 300"']);
      assert.match(paus[3], new RegExp(`^${AGO} ago$`));
      assert.match(paus[4], new RegExp(`^Up ${AGO} \\(Paused\\)$`));
      assert.equal(paus[5], 'paus');
      assert.match(web[4], new RegExp(`^Up ${AGO}$`));
      assert.equal(web[5], 'web');
    });

    it('-a adds created and exited ones; COMMAND single-quotes arguments with spaces', () => {
      const rows = lines(c.ok(['ps', '-a'])).slice(1).map(cells);
      assert.deepEqual(rows.map((row) => row.at(-1)), ['paus', 'fresh', 'done3', 'done0', 'web']);
      const byName = new Map(rows.map((row) => [row.at(-1), row]));
      assert.equal(byName.get('done3')![2], `"sh -c 'exit 3'"`);
      assert.equal(byName.get('fresh')![2], '"echo created"');
      assert.equal(byName.get('fresh')![4], 'Created');
      assert.match(byName.get('done3')![4], new RegExp(`^Exited \\(3\\) ${AGO} ago$`));
      assert.match(byName.get('done0')![4], new RegExp(`^Exited \\(0\\) ${AGO} ago$`));
    });

    it('-q prints short ids only; -aq all of them', () => {
      const running = c.ok(['ps', '-q']);
      assert.equal(running, `${fullId('paus').slice(0, 12)}\n${fullId('web').slice(0, 12)}\n`);
      const all = lines(c.ok(['ps', '-aq']));
      assert.deepEqual(all, ['paus', 'fresh', 'done3', 'done0', 'web'].map((name) => fullId(name).slice(0, 12)));
    });

    it('--filter status=, name=, label= with --format', () => {
      const ps = (...filters: string[]) =>
        lines(c.ok(['ps', '-a', ...filters.flatMap((f) => ['--filter', f]), '--format', '{{.Names}} {{.Status}}']));
      const exited = ps('status=exited');
      assert.equal(exited.length, 2);
      assert.match(exited[0], new RegExp(`^done3 Exited \\(3\\) ${AGO} ago$`));
      assert.match(exited[1], new RegExp(`^done0 Exited \\(0\\) ${AGO} ago$`));
      assert.deepEqual(ps('status=created'), ['fresh Created']);
      assert.equal(ps('status=paused').length, 1);
      assert.match(ps('status=paused')[0], new RegExp(`^paus Up ${AGO} \\(Paused\\)$`));
      // A paused container is not "running" to the filter.
      assert.deepEqual(ps('status=running').map((line) => line.split(' ')[0]), ['web']);
      // name= matches a substring of the name.
      assert.deepEqual(ps('name=done').map((line) => line.split(' ')[0]), ['done3', 'done0']);
      assert.deepEqual(ps('label=app=web').map((line) => line.split(' ')[0]), ['web']);
      assert.deepEqual(ps('label=app').map((line) => line.split(' ')[0]), ['done3', 'web']);
      assert.deepEqual(ps('label=app', 'status=exited').map((line) => line.split(' ')[0]), ['done3']);
    });
  });

  it('stop -t 1 of a process that ignores SIGTERM waits the second, then kills: exit code 137', () => {
    c.ok(['run', '-d', '--name', 'stubborn', IMAGE, 'sh', '-c', 'trap "" TERM; sleep 60']);
    const started = Date.now();
    assert.equal(c.ok(['stop', '-t', '1', 'stubborn']), 'stubborn\n');
    const took = Date.now() - started;
    assert.ok(took >= 1000, `stop returned after ${took} ms, before the grace period ended`);
    assert.ok(took < 10_000, `stop took ${took} ms`);
    assert.equal(state('stubborn'), 'exited 137');
    // Stopping a stopped container succeeds and prints its name.
    assert.equal(c.ok(['stop', 'stubborn']), 'stubborn\n');
    c.ok(['rm', 'stubborn']);
  });

  it('stop sends SIGTERM first: a program that handles it exits with its own code', () => {
    c.ok(['run', '-d', '--name', 'polite', IMAGE, 'sh', '-c', 'trap "echo got TERM; exit 0" TERM; echo ready; while :; do sleep 0.1; done']);
    const started = Date.now();
    assert.equal(c.ok(['stop', 'polite']), 'polite\n');
    assert.ok(Date.now() - started < 8_000, 'stop waited for the 10 s timeout: SIGTERM was not delivered');
    assert.equal(state('polite'), 'exited 0');
    assert.equal(c.ok(['logs', 'polite']), 'ready\ngot TERM\n');
    c.ok(['rm', 'polite']);
  });

  it('kill sends SIGKILL (137) and returns once stopped; -s sends another signal; a stopped one refuses', async () => {
    c.ok(['run', '-d', '--name', 'victim', IMAGE, 'sleep', '60']);
    assert.equal(c.ok(['kill', 'victim']), 'victim\n');
    assert.equal(state('victim'), 'exited 137');

    const refused = c.docker(['kill', 'victim']);
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr, `Error response from daemon: Cannot kill container: victim: Container ${fullId('victim')} is not running\n`);
    c.ok(['rm', 'victim']);

    c.ok(['run', '-d', '--name', 'hup', IMAGE, 'sh', '-c', 'trap "echo got HUP; exit 5" HUP; echo ready; while :; do sleep 0.1; done']);
    await eventually('the trap to be set', () => (c.ok(['logs', 'hup']) === 'ready\n' ? true : undefined));
    assert.equal(c.ok(['kill', '-s', 'HUP', 'hup']), 'hup\n');
    assert.equal(c.ok(['wait', 'hup']), '5\n');
    assert.equal(c.ok(['logs', 'hup']), 'ready\ngot HUP\n');
    c.ok(['rm', 'hup']);
  });

  it('restart runs an exited container again (logs accumulate, RestartCount stays 0) and replaces a running one', () => {
    c.ok(['run', '--name', 'again', IMAGE, 'echo', 'ran']);
    assert.equal(c.ok(['restart', 'again']), 'again\n');
    assert.equal(c.ok(['wait', 'again']), '0\n');
    assert.equal(c.ok(['logs', 'again']), 'ran\nran\n');
    assert.equal(c.ok(['inspect', '--format', '{{.RestartCount}} {{.State.Status}}', 'again']), '0 exited\n');
    c.ok(['rm', 'again']);

    c.ok(['run', '-d', '--name', 'spinning', IMAGE, 'sleep', '60']);
    const before = c.ok(['inspect', '--format', '{{.State.Pid}} {{.State.StartedAt}}', 'spinning']);
    assert.equal(c.ok(['restart', '-t', '0', 'spinning']), 'spinning\n');
    const after = c.ok(['inspect', '--format', '{{.State.Pid}} {{.State.StartedAt}}', 'spinning']);
    assert.notEqual(after, before);
    assert.equal(c.ok(['inspect', '--format', '{{.State.Status}} {{.RestartCount}}', 'spinning']), 'running 0\n');
    c.ok(['rm', '-f', 'spinning']);
  });

  it('pause freezes every process (state paused) and unpause thaws them; doing either twice is refused', async () => {
    c.ok(['run', '-d', '--name', 'ticker', IMAGE, 'sh', '-c', 'while :; do echo tick; sleep 0.05; done']);
    await eventually('some ticks', () => (lines(c.ok(['logs', 'ticker'])).length > 2 ? true : undefined));
    assert.equal(c.ok(['pause', 'ticker']), 'ticker\n');
    assert.equal(c.ok(['inspect', '--format', '{{.State.Status}} {{.State.Paused}} {{.State.Running}}', 'ticker']), 'paused true true\n');
    const frozen = lines(c.ok(['logs', 'ticker'])).length;
    await sleep(400);
    assert.equal(lines(c.ok(['logs', 'ticker'])).length, frozen, 'the container kept printing while paused');

    const twice = c.docker(['pause', 'ticker']);
    assert.equal(twice.code, 1);
    assert.equal(twice.stderr, `Error response from daemon: Container ${fullId('ticker')} is already paused\n`);

    assert.equal(c.ok(['unpause', 'ticker']), 'ticker\n');
    assert.equal(c.ok(['inspect', '--format', '{{.State.Status}} {{.State.Paused}}', 'ticker']), 'running false\n');
    await eventually('ticks after unpause', () => (lines(c.ok(['logs', 'ticker'])).length > frozen ? true : undefined));
    const notPaused = c.docker(['unpause', 'ticker']);
    assert.equal(notPaused.code, 1);
    assert.equal(notPaused.stderr, `Error response from daemon: Container ${fullId('ticker')} is not paused\n`);
    c.ok(['rm', '-f', 'ticker']);
  });

  it('wait blocks until exit and prints each exit code', () => {
    const started = Date.now();
    c.ok(['run', '-d', '--name', 'slow', IMAGE, 'sh', '-c', 'sleep 1; exit 9']);
    const quick = c.docker(['run', '--name', 'quick', IMAGE, 'sh', '-c', 'exit 3']);
    assert.equal(quick.code, 3, quick.stderr);
    assert.equal(c.ok(['wait', 'slow', 'quick']), '9\n3\n');
    assert.ok(Date.now() - started >= 1000, 'wait returned before the container exited');
    // An exited container answers at once.
    assert.equal(c.ok(['wait', 'slow']), '9\n');
    c.ok(['rm', 'slow', 'quick']);
  });

  it('top lists the container processes with ps columns, -o chooses them', () => {
    c.ok(['run', '-d', '--name', 'topped', IMAGE, 'sleep', '60']);
    const pid = c.ok(['inspect', '--format', '{{.State.Pid}}', 'topped']).trim();
    const [header, ...rows] = lines(c.ok(['top', 'topped']));
    assert.deepEqual(header.split(/\s+/), ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD']);
    assert.equal(rows.length, 1);
    const row = rows[0].split(/\s+/);
    assert.equal(row[0], 'root');
    // Host PIDs, as `ps` on the host sees them.
    assert.equal(row[1], pid);
    assert.equal(row.slice(7).join(' '), 'sleep 60');
    assert.deepEqual(lines(c.ok(['top', 'topped', '-o', 'pid,comm'])).map((line) => line.split(/\s+/)), [['PID', 'COMMAND'], [pid, 'sleep']]);
    c.ok(['rm', '-f', 'topped']);

    c.ok(['create', '--name', 'idle', IMAGE, 'true']);
    const refused = c.docker(['top', 'idle']);
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr, `Error response from daemon: Container ${fullId('idle')} is not running\n`);
    c.ok(['rm', 'idle']);
  });

  it('stats --no-stream prints one sample: the memory limit and the process count', () => {
    c.ok(['run', '-d', '--name', 'measured', '--memory', '64m', IMAGE, 'sleep', '60']);
    const [header, row, ...rest] = lines(c.ok(['stats', '--no-stream', 'measured']));
    assert.deepEqual(rest, []);
    assert.deepEqual(cells(header), ['CONTAINER ID', 'NAME', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'NET I/O', 'BLOCK I/O', 'PIDS']);
    const values = cells(row);
    assert.equal(values[0], fullId('measured').slice(0, 12));
    assert.equal(values[1], 'measured');
    assert.match(values[2], /^\d+\.\d\d%$/);
    assert.match(values[3], new RegExp(`^${SIZE} / 64MiB$`));
    assert.equal(values[7], '1');
    c.ok(['rm', '-f', 'measured']);
  });

  it('rename changes the name everywhere; a taken name is refused with the Conflict sentence', () => {
    c.ok(['create', '--name', 'before', IMAGE, 'true']);
    c.ok(['create', '--name', 'taken', IMAGE, 'true']);
    assert.equal(c.ok(['rename', 'before', 'after']), '');
    assert.equal(c.ok(['inspect', '--format', '{{.Name}}', 'after']), '/after\n');
    assert.equal(c.ok(['ps', '-a', '--filter', 'name=after', '--format', '{{.Names}}']), 'after\n');

    const conflict = c.docker(['rename', 'after', 'taken']);
    assert.equal(conflict.code, 1);
    assert.equal(
      conflict.stderr,
      'Error response from daemon: Error when allocating new name: Conflict. The container name "/taken" is already in use by container ' +
        `"${fullId('taken')}". You have to remove (or rename) that container to be able to reuse that name.\n` +
        'Error: failed to rename container named after\n',
    );
    const unknown = c.docker(['rename', 'nope', 'x']);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr, 'Error response from daemon: No such container: nope\nError: failed to rename container named nope\n');
    c.ok(['rm', 'after', 'taken']);
  });

  it('cp copies files and directories into and out of a container, running or not', () => {
    c.ok(['run', '-d', '--name', 'box', IMAGE, 'sleep', '60']);
    const file = join(c.work, 'in.txt');
    writeFileSync(file, 'payload\n');
    assert.equal(c.ok(['cp', file, 'box:/tmp/in.txt']), '');
    assert.equal(c.ok(['exec', 'box', 'cat', '/tmp/in.txt']), 'payload\n');

    const dir = join(c.work, 'tree');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'sub', 'deep.txt'), 'deep\n');
    c.ok(['cp', dir, 'box:/tmp/']);
    assert.equal(c.ok(['exec', 'box', 'cat', '/tmp/tree/sub/deep.txt']), 'deep\n');

    const out = join(c.work, 'passwd');
    assert.equal(c.ok(['cp', 'box:/etc/passwd', out]), '');
    assert.equal(readFileSync(out, 'utf8'), readFileSync(join(c.work, 'rootfs', 'etc', 'passwd'), 'utf8'));
    c.ok(['rm', '-f', 'box']);

    // A stopped container's filesystem is there to copy from, too.
    c.ok(['run', '--name', 'stopped', IMAGE, 'sh', '-c', 'echo written > /result.txt']);
    const result = join(c.work, 'result.txt');
    c.ok(['cp', 'stopped:/result.txt', result]);
    assert.equal(readFileSync(result, 'utf8'), 'written\n');
    // `-` as the destination writes a tar to stdout.
    const tar = c.docker(['cp', 'stopped:/result.txt', '-']);
    assert.equal(tar.code, 0);
    assert.equal(tar.stdout.slice(0, 10), 'result.txt');
    assert.ok(tar.stdout.includes('written\n'));

    const missing = c.docker(['cp', 'stopped:/nope', join(c.work, 'x')]);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'Error response from daemon: Could not find the file /nope in container stopped\n');
    c.ok(['rm', 'stopped']);
  });

  it('inspect prints the fields users read, and --format reads them', () => {
    assert.equal(c.docker(['run', '--name', 'looked', '-e', 'A=1', '--memory', '32m', IMAGE, 'sh', '-c', 'exit 4']).code, 4);
    assert.equal(c.ok(['inspect', '--format', '{{.State.ExitCode}}', 'looked']), '4\n');
    assert.equal(c.ok(['inspect', '--format', '{{json .Config.Env}}', 'looked']), '["A=1"]\n');
    assert.equal(c.ok(['inspect', '--format', '{{.HostConfig.Memory}}', 'looked']), `${32 * 1024 * 1024}\n`);

    const [info, ...more] = JSON.parse(c.ok(['inspect', 'looked']));
    assert.deepEqual(more, []);
    assert.match(info.Id, new RegExp(`^${ID64}$`));
    assert.match(info.Created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/);
    assert.equal(info.Path, 'sh');
    assert.deepEqual(info.Args, ['-c', 'exit 4']);
    assert.equal(info.Name, '/looked');
    assert.equal(info.RestartCount, 0);
    assert.equal(info.Image, c.ok(['image', 'inspect', '--format', '{{.Id}}', IMAGE]).trim());
    assert.deepEqual(Object.keys(info.State).sort(), [
      'Dead', 'Error', 'ExitCode', 'FinishedAt', 'OOMKilled', 'Paused', 'Pid', 'Restarting', 'Running', 'StartedAt', 'Status',
    ]);
    assert.deepEqual(
      { ...info.State, StartedAt: undefined, FinishedAt: undefined },
      { Status: 'exited', Running: false, Paused: false, Restarting: false, OOMKilled: false, Dead: false, Pid: 0, ExitCode: 4, Error: '', StartedAt: undefined, FinishedAt: undefined },
    );
    assert.ok(Date.parse(info.State.FinishedAt) >= Date.parse(info.State.StartedAt));
    assert.equal(info.Config.Image, IMAGE);
    assert.deepEqual(info.Config.Cmd, ['sh', '-c', 'exit 4']);
    assert.equal(info.Config.Hostname, info.Id.slice(0, 12));
    assert.equal(info.Config.Tty, false);
    assert.equal(info.HostConfig.Memory, 32 * 1024 * 1024);
    assert.equal(info.HostConfig.AutoRemove, false);
    assert.deepEqual(info.HostConfig.RestartPolicy, { Name: 'no', MaximumRetryCount: 0 });

    // Unknown to every kind of object: [] on stdout, one line on stderr, exit 1.
    const unknown = c.docker(['inspect', 'nosuch']);
    assert.deepEqual(unknown, { code: 1, stdout: '[]\n', stderr: 'Error: No such object: nosuch\n' });
    // Found ones are still printed.
    assert.deepEqual(c.docker(['inspect', '--format', '{{.Name}}', 'nosuch', 'looked']), {
      code: 1, stdout: '/looked\n', stderr: 'Error: No such object: nosuch\n',
    });
    // Asked as a container only, an image name is not found.
    const typed = c.docker(['inspect', '--type', 'container', IMAGE]);
    assert.deepEqual(typed, { code: 1, stdout: '[]\n', stderr: `Error response from daemon: No such container: ${IMAGE}\n` });
    c.ok(['rm', 'looked']);
  });

  it('rm refuses a running container; rm -f kills and removes it; rm -f of an unknown one only warns', () => {
    c.ok(['run', '-d', '--name', 'busy', IMAGE, 'sleep', '60']);
    const refused = c.docker(['rm', 'busy']);
    assert.equal(refused.code, 1);
    assert.equal(
      refused.stderr,
      `Error response from daemon: You cannot remove a running container ${fullId('busy')}. Stop the container before attempting removal or force remove\n`,
    );
    assert.equal(c.ok(['rm', '-f', 'busy']), 'busy\n');
    assert.equal(c.ok(['ps', '-a', '--filter', 'name=busy', '--format', '{{.Names}}']), '');

    assert.deepEqual(c.docker(['rm', 'nope']), { code: 1, stdout: '', stderr: 'Error response from daemon: No such container: nope\n' });
    // With -f the CLI treats "not found" (a 404) as done, as rm -f does files.
    assert.deepEqual(c.docker(['rm', '-f', 'nope']), { code: 0, stdout: '', stderr: 'Error response from daemon: No such container: nope\n' });
  });

  it('container prune removes every stopped or created container and lists their ids', () => {
    const exited = c.ok(['run', '-d', IMAGE, 'true']).trim();
    c.ok(['wait', exited]);
    const created = c.ok(['create', IMAGE, 'true']).trim();
    const running = c.ok(['run', '-d', IMAGE, 'sleep', '60']).trim();
    // Whatever earlier tests left behind stopped goes too.
    const notRunning = lines(c.ok(['ps', '-aq', '--no-trunc', '--filter', 'status=exited', '--filter', 'status=created']));
    assert.ok(notRunning.includes(exited) && notRunning.includes(created));
    const out = lines(c.ok(['container', 'prune', '-f']));
    assert.equal(out[0], 'Deleted Containers:');
    assert.deepEqual(out.slice(1, -2).sort(), notRunning.sort());
    assert.equal(out.at(-2), '');
    assert.match(out.at(-1)!, new RegExp(`^Total reclaimed space: ${SIZE}$`));
    assert.equal(c.ok(['ps', '-aq', '--no-trunc']), `${running}\n`);
    // Nothing left to prune: only the total.
    assert.deepEqual(c.docker(['container', 'prune', '-f']), { code: 0, stdout: 'Total reclaimed space: 0B\n', stderr: '' });
    c.ok(['rm', '-f', running]);
  });
});
