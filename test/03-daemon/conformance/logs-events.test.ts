// What a container said and what the daemon did: `docker logs` (streams
// kept apart, --tail, -t, --since/--until, -f) and `docker events`.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { ID64, IMAGE, lines, startConformance, unixTime, type Conformance } from './target.js';

/** RFC 3339 in UTC with exactly nine fractional digits, as `logs -t` and `events` print time. */
const NANO_TIME = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z`;

describe('conformance: logs and events', () => {
  let c: Conformance;
  /** When the talker container ran, by the host's clock. */
  let ran: { from: number; to: number };
  before(async () => {
    c = await startConformance();
    // stdout and stderr are two pipes copied apart; the pause orders them in the log.
    const from = Date.now();
    const talker = c.docker(['run', '--name', 'talker', IMAGE, 'sh', '-c', 'for i in 1 2 3 4 5; do echo line$i; done; sleep 0.2; echo oops >&2']);
    ran = { from, to: Date.now() };
    assert.equal(talker.code, 0, talker.stderr);
  });
  after(async () => {
    await c?.stop();
  });

  describe('logs', () => {
    it('replays stdout to stdout and stderr to stderr', () => {
      assert.deepEqual(c.docker(['logs', 'talker']), { code: 0, stdout: 'line1\nline2\nline3\nline4\nline5\n', stderr: 'oops\n' });
    });

    it('--tail N keeps the last N lines of both streams together', () => {
      assert.deepEqual(c.docker(['logs', '--tail', '2', 'talker']), { code: 0, stdout: 'line5\n', stderr: 'oops\n' });
      assert.deepEqual(c.docker(['logs', '--tail', '4', 'talker']), { code: 0, stdout: 'line3\nline4\nline5\n', stderr: 'oops\n' });
      assert.deepEqual(c.docker(['logs', '--tail', '0', 'talker']), { code: 0, stdout: '', stderr: '' });
    });

    it('-t prefixes each line with its time, RFC 3339 UTC with nine fractional digits', () => {
      const result = c.docker(['logs', '-t', 'talker']);
      assert.equal(result.code, 0);
      const out = lines(result.stdout);
      assert.equal(out.length, 5);
      out.forEach((line, i) => assert.match(line, new RegExp(`^${NANO_TIME} line${i + 1}$`)));
      assert.match(result.stderr, new RegExp(`^${NANO_TIME} oops\n$`));
      // In order, and the wall-clock time the lines were printed.
      const times = out.map((line) => line.split(' ')[0]);
      assert.deepEqual([...times].sort(), times);
      for (const time of times) {
        const ms = Date.parse(time);
        assert.ok(ms >= ran.from - 1 && ms <= ran.to + 1, `${time} is not within the run`);
      }
    });

    it('--since and --until cut by time: only the second run of a restarted container, or only the first', async () => {
      c.ok(['run', '--name', 'twice', IMAGE, 'sh', '-c', 'echo run-$(cat /proc/uptime)']);
      await sleep(20);
      const between = unixTime();
      await sleep(20);
      c.ok(['start', '-a', 'twice']);
      const all = lines(c.ok(['logs', 'twice']));
      assert.equal(all.length, 2);
      assert.deepEqual(lines(c.ok(['logs', '--since', between, 'twice'])), [all[1]]);
      assert.deepEqual(lines(c.ok(['logs', '--until', between, 'twice'])), [all[0]]);
      // An RFC 3339 time works too; one in the future gives nothing.
      assert.deepEqual(lines(c.ok(['logs', '--since', new Date(Number(between) * 1000).toISOString(), 'twice'])), [all[1]]);
      assert.equal(c.ok(['logs', '--since', '2099-01-01T00:00:00Z', 'twice']), '');
      c.ok(['rm', 'twice']);
    });

    it('-f follows a running container and ends when it exits', async () => {
      c.ok(['run', '-d', '--name', 'follow', IMAGE, 'sh', '-c', 'echo a; sleep 1; echo b >&2; echo c; exit 3']);
      const started = Date.now();
      const followed = await c.dockerAsync(['logs', '-f', 'follow'], { timeoutMs: 20_000 });
      assert.deepEqual(followed, { code: 0, stdout: 'a\nc\n', stderr: 'b\n' });
      assert.ok(Date.now() - started >= 500, 'logs -f returned before the container exited');
      // Of an exited container, -f prints everything and returns at once.
      assert.deepEqual(c.docker(['logs', '-f', 'follow']), { code: 0, stdout: 'a\nc\n', stderr: 'b\n' });
      c.ok(['rm', 'follow']);
    });

    it('after wait returns, logs already hold everything', () => {
      c.ok(['run', '-d', '--name', 'quick', IMAGE, 'sh', '-c', 'seq 1 200']);
      assert.equal(c.ok(['wait', 'quick']), '0\n');
      assert.equal(lines(c.ok(['logs', 'quick'])).length, 200);
      c.ok(['rm', 'quick']);
    });

    it('a tty container logs what its terminal printed: \\r\\n line ends, one stream', () => {
      c.ok(['run', '-t', '--name', 'tty', IMAGE, 'sh', '-c', 'echo out; echo err >&2']);
      assert.deepEqual(c.docker(['logs', 'tty']), { code: 0, stdout: 'out\r\nerr\r\n', stderr: '' });
      c.ok(['rm', 'tty']);
    });

    it('of an unknown container: one line, exit 1', () => {
      assert.deepEqual(c.docker(['logs', 'nope']), { code: 1, stdout: '', stderr: 'Error response from daemon: No such container: nope\n' });
    });
  });

  describe('events', () => {
    it('run --rm emits create, attach, start, die, destroy in a --since/--until window', async () => {
      const since = unixTime();
      c.ok(['run', '--rm', '--name', 'evt', IMAGE, 'true']);
      await sleep(20);
      const until = unixTime();
      const window = ['--since', since, '--until', until, '--filter', 'container=evt'];
      assert.deepEqual(lines(c.ok(['events', ...window, '--format', '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}'])), [
        'container create evt',
        'container attach evt',
        'container start evt',
        'container die evt',
        'container destroy evt',
      ]);
      // The default format: time, type, action, id, then the attributes sorted by name.
      const plain = lines(c.ok(['events', ...window]));
      assert.equal(plain.length, 5);
      assert.match(plain[0], new RegExp(`^${NANO_TIME} container create (${ID64}) \\(image=${IMAGE}, name=evt\\)$`));
      assert.match(plain[3], new RegExp(`^${NANO_TIME} container die ${ID64} \\(exitCode=0, image=${IMAGE}, name=evt\\)$`));
      const ids = new Set(plain.map((line) => line.split(' ')[3]));
      assert.equal(ids.size, 1);
    });

    it('die carries the exit code; --filter event= picks actions; JSON has the fields', async () => {
      const since = unixTime();
      assert.equal(c.docker(['run', '--name', 'failing', IMAGE, 'sh', '-c', 'exit 3']).code, 3);
      await sleep(20);
      const window = ['--since', since, '--until', unixTime(), '--filter', 'container=failing'];
      assert.equal(c.ok(['events', ...window, '--filter', 'event=die', '--format', '{{.Actor.Attributes.exitCode}}']), '3\n');
      const [die] = lines(c.ok(['events', ...window, '--filter', 'event=die', '--format', '{{json .}}'])).map((line) => JSON.parse(line));
      const id = c.ok(['inspect', '--format', '{{.Id}}', 'failing']).trim();
      assert.equal(die.Type, 'container');
      assert.equal(die.Action, 'die');
      assert.equal(die.Actor.ID, id);
      assert.deepEqual(die.Actor.Attributes, { exitCode: '3', image: IMAGE, name: 'failing' });
      assert.equal(typeof die.time, 'number');
      assert.equal(typeof die.timeNano, 'number');
      c.ok(['rm', 'failing']);
    });

    it('streams events as they happen until --until', async () => {
      const until = unixTime(Date.now() + 3000);
      const watching = c.dockerAsync(['events', '--until', until, '--filter', 'container=live', '--format', '{{.Action}}'], { timeoutMs: 20_000 });
      await sleep(500);
      c.ok(['create', '--name', 'live', IMAGE, 'true']);
      c.ok(['start', 'live']);
      c.ok(['wait', 'live']);
      c.ok(['rm', 'live']);
      assert.deepEqual(await watching, { code: 0, stdout: 'create\nstart\ndie\ndestroy\n', stderr: '' });
    });
  });
});
