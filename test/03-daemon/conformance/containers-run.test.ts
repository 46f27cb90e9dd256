// `docker run` and its everyday flags, as a docker CLI user sees them: what
// the program inside observes (environment, user, directory, hostname,
// mounts, cgroup limits), what the CLI prints, and the exit codes.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually, ID64, IMAGE, startConformance, type Conformance } from './target.js';

/** What the CLI prints when the daemon refuses to create or start the container. */
const RUN_HELP_TAIL = "\n\nRun 'docker run --help' for more information\n";

describe('conformance: docker run', () => {
  let c: Conformance;
  before(async () => {
    c = await startConformance();
  });
  after(async () => {
    await c?.stop();
  });

  it('runs in the foreground: output, exit code 0, and the container stays until removed', () => {
    assert.equal(c.ok(['run', '--name', 'fg', IMAGE, 'echo', 'hello', 'world']), 'hello world\n');
    assert.equal(c.ok(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', 'fg']), 'exited 0\n');
    assert.equal(c.ok(['rm', 'fg']), 'fg\n');
  });

  it('--rm removes the container once it exited', () => {
    assert.equal(c.ok(['run', '--rm', '--name', 'gone', IMAGE, 'echo', 'bye']), 'bye\n');
    assert.equal(c.ok(['ps', '-a', '--filter', 'name=gone', '--format', '{{.Names}}']), '');
  });

  it('the exit code of the program is the exit code of docker run (0, 1, 42)', () => {
    for (const [script, code] of [['true', 0], ['false', 1], ['exit 42', 42]] as const) {
      const result = c.docker(['run', '--rm', IMAGE, 'sh', '-c', script]);
      assert.equal(result.code, code, script);
      assert.equal(result.stdout + result.stderr, '', script);
    }
  });

  it('-d prints the full id and returns while the container runs; --name names it', () => {
    const id = c.ok(['run', '-d', '--name', 'bg', IMAGE, 'sleep', '60']);
    assert.match(id, new RegExp(`^${ID64}\n$`));
    assert.equal(c.ok(['inspect', '--format', '{{.Id}} {{.Name}} {{.State.Running}}', 'bg']), `${id.trim()} /bg true\n`);
    assert.equal(c.ok(['rm', '-f', 'bg']), 'bg\n');
  });

  it('the default environment: PATH, HOSTNAME (the short id), HOME from /etc/passwd; -e adds and overrides', () => {
    const id = c.ok(['run', '-d', IMAGE, 'sleep', '60']).trim();
    const env = c.ok(['exec', id, 'env']).split('\n').filter(Boolean).sort();
    assert.deepEqual(env, [
      'HOME=/root',
      `HOSTNAME=${id.slice(0, 12)}`,
      'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    ]);
    assert.equal(c.ok(['exec', id, 'hostname']), `${id.slice(0, 12)}\n`);
    c.ok(['rm', '-f', id]);

    // `-e NAME` without a value passes the CLI's own NAME, and nothing when it is unset.
    const out = c.ok(['run', '--rm', '-e', 'FOO=bar', '-e', 'HOME=/elsewhere', '-e', 'FROM_CLI', '-e', 'UNSET_HERE', IMAGE, 'env'], {
      env: { FROM_CLI: 'cli-value' },
    });
    const seen = out.split('\n').filter(Boolean).sort();
    assert.ok(seen.includes('FOO=bar'), out);
    assert.ok(seen.includes('HOME=/elsewhere'), out);
    assert.ok(seen.includes('FROM_CLI=cli-value'), out);
    assert.ok(!seen.some((line) => line.startsWith('UNSET_HERE')), out);
    // Config.Env holds what the user gave: the imported image has no Env of its own.
    const created = c.ok(['create', '-e', 'A=1', IMAGE, 'true']).trim();
    assert.equal(c.ok(['inspect', '--format', '{{json .Config.Env}}', created]), '["A=1"]\n');
    c.ok(['rm', created]);
  });

  it('/etc/hosts has the localhost entries', () => {
    const hosts = c.ok(['run', '--rm', IMAGE, 'cat', '/etc/hosts']);
    assert.match(hosts, /^127\.0\.0\.1\tlocalhost$/m);
    assert.match(hosts, /^::1\tlocalhost ip6-localhost ip6-loopback$/m);
  });

  it('-w sets the working directory and creates it when missing', () => {
    assert.equal(c.ok(['run', '--rm', '-w', '/missing/dir', IMAGE, 'sh', '-c', 'pwd; test -d /missing/dir && echo made']), '/missing/dir\nmade\n');
  });

  it('-u 1000 with no group runs with gid 0; -u nobody takes uid, gid and HOME from /etc/passwd', () => {
    assert.equal(c.ok(['run', '--rm', '-u', '1000', IMAGE, 'id']), 'uid=1000 gid=0(root) groups=0(root)\n');
    // No passwd entry for 1000: HOME falls back to /.
    assert.equal(c.ok(['run', '--rm', '-u', '1000', IMAGE, 'sh', '-c', 'echo $HOME']), '/\n');
    assert.equal(c.ok(['run', '--rm', '-u', 'nobody', IMAGE, 'id']), 'uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)\n');
    assert.equal(c.ok(['run', '--rm', '-u', '1000:1000', IMAGE, 'id']), 'uid=1000 gid=1000 groups=1000\n');
  });

  it('--hostname sets the UTS name, /etc/hostname and $HOSTNAME', () => {
    assert.equal(
      c.ok(['run', '--rm', '--hostname', 'box1', IMAGE, 'sh', '-c', 'hostname; cat /etc/hostname; echo $HOSTNAME']),
      'box1\nbox1\nbox1\n',
    );
  });

  it('--entrypoint replaces the entrypoint; the arguments after the image become its arguments', () => {
    assert.equal(c.ok(['run', '--name', 'ep', '--entrypoint', 'echo', IMAGE, 'a', 'b']), 'a b\n');
    assert.equal(c.ok(['inspect', '--format', '{{.Path}} {{json .Args}} {{json .Config.Entrypoint}} {{json .Config.Cmd}}', 'ep']), 'echo ["a","b"] ["echo"] ["a","b"]\n');
    c.ok(['rm', 'ep']);
    // Setting an entrypoint clears the image's CMD (["sh"]): echo runs with no arguments.
    assert.equal(c.ok(['run', '--rm', '--entrypoint', 'echo', IMAGE]), '\n');
  });

  it('-v binds a host directory both ways; :ro makes it read-only; a missing host path is created', () => {
    const dir = join(c.work, 'bind');
    mkdirSync(dir);
    writeFileSync(join(dir, 'from-host.txt'), 'host\n');
    assert.equal(c.ok(['run', '--rm', '-v', `${dir}:/data`, IMAGE, 'sh', '-c', 'cat /data/from-host.txt; echo container > /data/from-container.txt']), 'host\n');
    assert.equal(readFileSync(join(dir, 'from-container.txt'), 'utf8'), 'container\n');

    const ro = c.docker(['run', '--rm', '-v', `${dir}:/data:ro`, IMAGE, 'sh', '-c', 'echo x > /data/nope.txt']);
    assert.equal(ro.code, 1);
    assert.equal(ro.stderr, "sh: can't create /data/nope.txt: Read-only file system\n");
    assert.equal(existsSync(join(dir, 'nope.txt')), false);

    // dockerd creates a missing source of -v (but refuses one of --mount: see errors.test.ts).
    const missing = join(c.work, 'missing', 'sub');
    assert.equal(c.ok(['run', '--rm', '-v', `${missing}:/data`, IMAGE, 'sh', '-c', 'touch /data/made && ls /data']), 'made\n');
    assert.ok(existsSync(join(missing, 'made')));
  });

  it('--memory sets the cgroup memory limit the container sees, and HostConfig.Memory/MemorySwap', () => {
    // cgroup v1 (this host): memory/memory.limit_in_bytes; cgroup v2: memory.max.
    const limit = c.ok(['run', '--rm', '--memory', '64m', IMAGE, 'sh', '-c',
      'cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes']);
    assert.equal(limit, `${64 * 1024 * 1024}\n`);
    const id = c.ok(['create', '--memory', '64m', IMAGE, 'true']).trim();
    // Docker gives as much swap again when --memory-swap is not set.
    assert.equal(c.ok(['inspect', '--format', '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}', id]), '67108864 134217728\n');
    c.ok(['rm', id]);
  });

  it('--pids-limit sets pids.max, and the kernel refuses the fork beyond it', () => {
    assert.equal(
      c.ok(['run', '--rm', '--pids-limit', '10', IMAGE, 'sh', '-c', 'cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max']),
      '10\n',
    );
    // sh plus four sleeps fill a limit of 5; the fifth fork fails with EAGAIN.
    const result = c.docker(['run', '--rm', '--pids-limit', '5', IMAGE, 'sh', '-c', 'for i in 1 2 3 4 5 6; do sleep 1 & done; wait']);
    assert.match(result.stderr, /^sh: can't fork: Resource temporarily unavailable$/m);
    const id = c.ok(['create', '--pids-limit', '10', IMAGE, 'true']).trim();
    assert.equal(c.ok(['inspect', '--format', '{{.HostConfig.PidsLimit}}', id]), '10\n');
    c.ok(['rm', id]);
  });

  it('-l sets labels that inspect shows and ps filters on', () => {
    c.ok(['create', '--name', 'labelled', '-l', 'app=web', '-l', 'tier=front', IMAGE, 'true']);
    assert.equal(c.ok(['inspect', '--format', '{{json .Config.Labels}}', 'labelled']), '{"app":"web","tier":"front"}\n');
    assert.equal(c.ok(['ps', '-a', '--filter', 'label=tier=front', '--format', '{{.Names}}']), 'labelled\n');
    c.ok(['rm', 'labelled']);
  });

  it('--restart on-failure:2 restarts twice, then stays exited: RestartCount 2 and three runs in the logs', async () => {
    const id = c.ok(['run', '-d', '--name', 'flaky', '--restart', 'on-failure:2', IMAGE, 'sh', '-c', 'echo run; exit 3']).trim();
    assert.match(id, new RegExp(`^${ID64}$`));
    const state = await eventually('two restarts and a final exit', () => {
      const now = c.ok(['inspect', '--format', '{{.RestartCount}} {{.State.Status}} {{.State.ExitCode}}', 'flaky']);
      return now === '2 exited 3\n' ? now : undefined;
    });
    assert.equal(state, '2 exited 3\n');
    assert.equal(c.ok(['inspect', '--format', '{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}', 'flaky']), 'on-failure 2\n');
    assert.equal(c.ok(['logs', 'flaky']), 'run\nrun\nrun\n');
    c.ok(['rm', 'flaky']);
  });

  it('exit code 126 when the program cannot be executed, and the container is left created', () => {
    const result = c.docker(['run', '--name', 'noexec', IMAGE, '/etc/passwd']);
    assert.equal(result.code, 126);
    assert.equal(result.stdout, '');
    assert.ok(result.stderr.startsWith('docker: Error response from daemon: '), result.stderr);
    assert.match(result.stderr, /exec: "\/etc\/passwd": permission denied/);
    assert.ok(result.stderr.endsWith(RUN_HELP_TAIL), result.stderr);
    assert.equal(c.ok(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', 'noexec']), 'created 126\n');
    c.ok(['rm', 'noexec']);
    // A directory cannot be executed either.
    assert.equal(c.docker(['run', '--rm', IMAGE, '/tmp']).code, 126);
  });

  it('exit code 127 when the program does not exist; State.Error keeps the reason', () => {
    const result = c.docker(['run', '--name', 'nobin', IMAGE, 'nosuchbin']);
    assert.equal(result.code, 127);
    assert.equal(result.stdout, '');
    assert.ok(result.stderr.startsWith('docker: Error response from daemon: '), result.stderr);
    assert.match(result.stderr, /exec: "nosuchbin": executable file not found in \$PATH/);
    assert.ok(result.stderr.endsWith(RUN_HELP_TAIL), result.stderr);
    assert.equal(c.ok(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', 'nobin']), 'created 127\n');
    assert.match(c.ok(['inspect', '--format', '{{.State.Error}}', 'nobin']), /executable file not found in \$PATH/);
    c.ok(['rm', 'nobin']);

    // A path that does not exist is 127 too; with --rm nothing is left behind.
    const path = c.docker(['run', '--rm', '--name', 'nopath', IMAGE, '/nonexistent/path']);
    assert.equal(path.code, 127);
    assert.match(path.stderr, /no such file or directory/);
    assert.equal(c.ok(['ps', '-a', '--filter', 'name=nopath', '--format', '{{.Names}}']), '');

    // Detached: the id is printed (the container was created), then the start fails.
    const detached = c.docker(['run', '-d', '--name', 'nobin-d', IMAGE, 'nosuchbin']);
    assert.equal(detached.code, 127);
    assert.match(detached.stdout, new RegExp(`^${ID64}\n$`));
    c.ok(['rm', 'nobin-d']);
  });

  it('-i passes piped stdin to the program and closes it at EOF; without -i stdin is not attached', () => {
    assert.equal(c.ok(['run', '--rm', '-i', IMAGE, 'sh', '-c', 'cat; echo done'], { input: 'a\nb\n' }), 'a\nb\ndone\n');
    assert.equal(c.ok(['run', '--rm', IMAGE, 'sh', '-c', 'cat; echo done'], { input: 'a\nb\n' }), 'done\n');
    assert.equal(c.ok(['run', '--rm', '-i', IMAGE, 'wc', '-c'], { input: 'x'.repeat(100_000) }).trim(), '100000');
  });

  it('stdout and stderr stay apart without a tty', () => {
    const result = c.docker(['run', '--rm', IMAGE, 'sh', '-c', 'echo out; echo err >&2; exit 2']);
    assert.deepEqual(result, { code: 2, stdout: 'out\n', stderr: 'err\n' });
  });
});
