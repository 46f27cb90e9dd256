// Reaching into a running container: exec (its flags, exit codes and
// failures), attach, start -a, and terminals — `-t` alone, and `-it` driven
// through a real pseudo-terminal as a user's shell would.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, IMAGE, lines, startConformance, type Conformance } from './target.js';

describe('conformance: exec, attach and terminals', () => {
  let c: Conformance;
  let boxId: string;
  before(async () => {
    c = await startConformance();
    boxId = c.ok(['run', '-d', '--name', 'box', '-e', 'FROM_RUN=1', IMAGE, 'sleep', '300']).trim();
  });
  after(async () => {
    await c?.stop();
  });

  describe('exec', () => {
    it('prints the output and exits with the exit code of the program', () => {
      assert.deepEqual(c.docker(['exec', 'box', 'echo', 'hi']), { code: 0, stdout: 'hi\n', stderr: '' });
      assert.deepEqual(c.docker(['exec', 'box', 'sh', '-c', 'echo out; echo err >&2; exit 7']), { code: 7, stdout: 'out\n', stderr: 'err\n' });
    });

    it('joins the container: its PID namespace, its environment, its hostname', () => {
      // PID 1 is the container's sleep; the exec'd ps sees only the container's processes.
      const ps = lines(c.ok(['exec', 'box', 'ps', '-o', 'pid,comm']));
      assert.deepEqual(ps.map((line) => line.trim().split(/\s+/)), [['PID', 'COMMAND'], ['1', 'sleep'], [ps[2].trim().split(/\s+/)[0], 'ps']]);
      assert.match(c.ok(['exec', 'box', 'env']), /^FROM_RUN=1$/m);
      assert.equal(c.ok(['exec', 'box', 'hostname']), `${boxId.slice(0, 12)}\n`);
    });

    it('-e adds to the environment, -u picks the user, -w the directory', () => {
      assert.equal(c.ok(['exec', '-e', 'A=1', '-e', 'FROM_RUN=2', 'box', 'sh', '-c', 'echo $A $FROM_RUN']), '1 2\n');
      assert.equal(c.ok(['exec', '-u', '1000', 'box', 'id']), 'uid=1000 gid=0(root) groups=0(root)\n');
      assert.equal(c.ok(['exec', '-u', 'nobody', 'box', 'id']), 'uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)\n');
      assert.equal(c.ok(['exec', '-w', '/tmp', 'box', 'pwd']), '/tmp\n');
    });

    it('-i passes piped stdin', () => {
      assert.equal(c.ok(['exec', '-i', 'box', 'sh', '-c', 'cat; echo end'], { input: 'one\ntwo\n' }), 'one\ntwo\nend\n');
    });

    it('a missing binary exits 126 with the reason on the output stream', () => {
      const result = c.docker(['exec', 'box', 'nosuchbin']);
      assert.equal(result.code, 126);
      assert.equal(result.stderr, '');
      assert.match(result.stdout, /exec: "nosuchbin": executable file not found in \$PATH/);
      assert.equal(lines(result.stdout).length, 1);
      // So does a file that is not executable, and a -w that does not exist (exec does not create it).
      const notExecutable = c.docker(['exec', 'box', '/etc/passwd']);
      assert.equal(notExecutable.code, 126);
      assert.match(notExecutable.stdout, /exec: "\/etc\/passwd": permission denied/);
      const noDir = c.docker(['exec', '-w', '/nodir', 'box', 'pwd']);
      assert.equal(noDir.code, 126);
      assert.match(noDir.stdout, /"\/nodir".*no such file or directory/);
    });

    it('is refused in a stopped or paused container', () => {
      c.ok(['run', '--name', 'stopped', IMAGE, 'true']);
      const id = c.ok(['inspect', '--format', '{{.Id}}', 'stopped']).trim();
      assert.deepEqual(c.docker(['exec', 'stopped', 'echo', 'hi']), {
        code: 1, stdout: '', stderr: `Error response from daemon: Container ${id} is not running\n`,
      });
      c.ok(['rm', 'stopped']);

      c.ok(['pause', 'box']);
      try {
        assert.deepEqual(c.docker(['exec', 'box', 'echo', 'hi']), {
          code: 1, stdout: '', stderr: 'Error response from daemon: Container box is paused, unpause the container before exec\n',
        });
      } finally {
        c.ok(['unpause', 'box']);
      }
    });
  });

  describe('attach', () => {
    it('streams what the container prints from now on, stdout and stderr apart, and exits with its code', async () => {
      c.ok(['run', '-d', '--name', 'talker', IMAGE, 'sh', '-c',
        'i=0; while [ $i -lt 8 ]; do echo tick $i; i=$((i+1)); sleep 0.25; done; echo bye >&2; exit 4']);
      await eventually('the first tick', () => (c.ok(['logs', 'talker']).startsWith('tick 0\n') ? true : undefined));
      const attached = await c.dockerAsync(['attach', 'talker']);
      assert.equal(attached.code, 4);
      assert.equal(attached.stderr, 'bye\n');
      // What was printed before the attach is not replayed; the rest arrives in order.
      const seen = lines(attached.stdout);
      assert.ok(!seen.includes('tick 0'), attached.stdout);
      assert.equal(seen.at(-1), 'tick 7');
      const first = Number(seen[0].split(' ')[1]);
      assert.deepEqual(seen, Array.from({ length: 8 - first }, (_, i) => `tick ${first + i}`));
      c.ok(['rm', 'talker']);
    });

    it('passes stdin to a container started with -i', async () => {
      c.ok(['run', '-d', '-i', '--name', 'reader', IMAGE, 'sh', '-c', 'read x; echo got $x; exit 6']);
      const attached = await c.dockerAsync(['attach', 'reader'], { input: 'hello\n' });
      assert.equal(attached.code, 6);
      assert.equal(c.ok(['logs', 'reader']), 'got hello\n');
      c.ok(['rm', 'reader']);
    });

    it('is refused for a stopped container; start -a runs it again attached', () => {
      assert.equal(c.docker(['run', '--name', 'once', IMAGE, 'sh', '-c', 'echo out; echo err >&2; exit 3']).code, 3);
      assert.deepEqual(c.docker(['attach', 'once']), { code: 1, stdout: '', stderr: 'You cannot attach to a stopped container, start it first\n' });
      assert.deepEqual(c.docker(['start', '-a', 'once']), { code: 3, stdout: 'out\n', stderr: 'err\n' });
      assert.deepEqual(c.docker(['start', 'once']), { code: 0, stdout: 'once\n', stderr: '' });
      c.ok(['wait', 'once']);
      c.ok(['rm', 'once']);
    });
  });

  describe('terminals', () => {
    it('run -t gives the program a pty: /dev/pts/0, \\r\\n line ends, stderr merged into stdout', () => {
      const result = c.docker(['run', '--rm', '-t', IMAGE, 'sh', '-c', 'tty; echo err >&2; exit 5']);
      assert.deepEqual(result, { code: 5, stdout: '/dev/pts/0\r\nerr\r\n', stderr: '' });
    });

    it('exec -t gives the exec its own pty', () => {
      const result = c.docker(['exec', '-t', 'box', 'sh', '-c', 'tty; echo err >&2']);
      assert.equal(result.code, 0);
      assert.equal(result.stderr, '');
      assert.match(result.stdout, /^\/dev\/pts\/\d+\r\nerr\r\n$/);
    });

    it('run -it: an interactive shell on a real terminal, typed into', () => {
      const session = c.inPty(['run', '--rm', '-it', IMAGE, 'sh'], 'echo hi $((6*7))\ntty\nexit 3\n');
      assert.equal(session.code, 3, session.stdout);
      // The terminal echoes what was typed; "hi 42" is the shell's own answer.
      assert.match(session.stdout, /^hi 42\r$/m);
      assert.match(session.stdout, /^\/dev\/pts\/0\r$/m);
    });

    it('exec -it: a second interactive shell in a running container', () => {
      const session = c.inPty(['exec', '-it', 'box', 'sh'], 'echo in-exec $((40+2))\ntty\nexit 4\n');
      assert.equal(session.code, 4, session.stdout);
      assert.match(session.stdout, /^in-exec 42\r$/m);
      assert.match(session.stdout, /^\/dev\/pts\/\d+\r$/m);
    });
  });
});
