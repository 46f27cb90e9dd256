// Bad input, as a docker CLI user meets it: one clear line in Docker's words,
// the exit code the CLI gives (1 for a command, 125 for `docker run` itself),
// nothing half-made left behind, and a daemon that keeps serving.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { IMAGE, lines, useConformance } from './target.js';

const RUN_HELP_TAIL = "\n\nRun 'docker run --help' for more information\n";

/** A loopback port nothing listens on: bound by the kernel's choice, then released. */
async function closedLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('conformance: errors', () => {
  const c = useConformance();

  /** Every container the daemon has, to prove a refused request made none. */
  const allContainers = () => lines(c.ok(['ps', '-aq', '--no-trunc'])).sort();

  it('an unknown container: "No such container", exit 1, for every command that takes one', async () => {
    const noSuch = 'Error response from daemon: No such container: nope\n';
    const commands: string[][] = [
      ['stop', 'nope'], ['rm', 'nope'], ['logs', 'nope'], ['wait', 'nope'], ['restart', 'nope'],
      ['pause', 'nope'], ['unpause', 'nope'], ['top', 'nope'], ['stats', '--no-stream', 'nope'],
      ['attach', 'nope'], ['export', 'nope'], ['commit', 'nope'], ['exec', 'nope', 'true'],
      ['cp', 'nope:/x', join(c.work, 'x')], ['container', 'inspect', 'nope'],
    ];
    // Independent requests, so asked all at once.
    const results = await Promise.all(commands.map((command) => c.dockerAsync(command)));
    commands.forEach((command, i) => {
      assert.equal(results[i].code, 1, command.join(' '));
      assert.equal(results[i].stderr, noSuch, command.join(' '));
    });
    // Some commands add their own line or prefix.
    assert.equal(c.docker(['start', 'nope']).stderr, `${noSuch}Error: failed to start containers: nope\n`);
    assert.equal(c.docker(['kill', 'nope']).stderr, 'Error response from daemon: Cannot kill container: nope: No such container: nope\n');
    assert.deepEqual(c.docker(['inspect', 'nope']), { code: 1, stdout: '[]\n', stderr: 'Error: No such object: nope\n' });
  });

  it('a name in use: the full Conflict sentence; run exits 125, create 1; nothing new is made', () => {
    const id = c.ok(['create', '--name', 'taken', IMAGE, 'true']).trim();
    const conflict =
      `Error response from daemon: Conflict. The container name "/taken" is already in use by container "${id}". ` +
      'You have to remove (or rename) that container to be able to reuse that name.';
    const before = allContainers();
    assert.deepEqual(c.docker(['run', '--name', 'taken', IMAGE, 'true']), { code: 125, stdout: '', stderr: `docker: ${conflict}${RUN_HELP_TAIL}` });
    assert.deepEqual(c.docker(['create', '--name', 'taken', IMAGE, 'true']), { code: 1, stdout: '', stderr: `${conflict}\n` });
    // A leading slash names the same container.
    assert.equal(c.docker(['create', '--name', '/taken', IMAGE, 'true']).code, 1);
    assert.deepEqual(allContainers(), before);
    c.ok(['rm', 'taken']);
  });

  it('a missing image, not pulled (--pull never): "No such image"', () => {
    const before = allContainers();
    assert.deepEqual(c.docker(['run', '--pull', 'never', '--rm', 'nosuch:1', 'true']), {
      code: 125, stdout: '', stderr: `docker: Error response from daemon: No such image: nosuch:1${RUN_HELP_TAIL}`,
    });
    assert.deepEqual(c.docker(['create', '--pull', 'never', 'nosuch']), {
      code: 1, stdout: '', stderr: 'Error response from daemon: No such image: nosuch:latest\n',
    });
    assert.deepEqual(allContainers(), before);
  });

  it('a missing image that cannot be pulled: "Unable to find image … locally", then the pull failure', async () => {
    // The registry named is a closed loopback port, so the pull fails
    // without leaving the machine. dockerd says: Get "http://127.0.0.1:PORT/v2/":
    // dial tcp 127.0.0.1:PORT: connect: connection refused. (For a Docker Hub
    // name on a machine without network it is the DNS failure of
    // registry-1.docker.io.) A daemon that cannot pull says why in its own words.
    const image = `127.0.0.1:${await closedLoopbackPort()}/conformance/missing:1`;
    const before = allContainers();
    const result = c.docker(['run', '--rm', image, 'true']);
    assert.equal(result.code, 125);
    assert.equal(result.stdout, '');
    const [first, second, ...rest] = result.stderr.split('\n');
    assert.equal(first, `Unable to find image '${image}' locally`);
    assert.match(second, /^docker: Error response from daemon: \S.*$/);
    assert.deepEqual(rest, ['', "Run 'docker run --help' for more information", '']);
    assert.deepEqual(allContainers(), before);

    const pull = c.docker(['pull', image]);
    assert.equal(pull.code, 1);
    assert.match(pull.stderr, /^Error response from daemon: \S.*\n$/);
    assert.equal(c.docker(['image', 'inspect', image]).code, 1);
  });

  it('an invalid restart policy: refused by the daemon (125), or by the CLI when it cannot parse it', () => {
    const before = allContainers();
    const refused = (message: string) => ({ code: 125, stdout: '', stderr: `docker: ${message}${RUN_HELP_TAIL}` });
    assert.deepEqual(c.docker(['run', '--restart', 'whenever', IMAGE, 'true']), refused("Error response from daemon: invalid restart policy 'whenever'"));
    assert.deepEqual(c.docker(['run', '--restart', 'on-failure:-1', IMAGE, 'true']), refused('Error response from daemon: maximum retry count cannot be negative'));
    assert.deepEqual(c.docker(['run', '--restart', 'always:2', IMAGE, 'true']), refused("Error response from daemon: maximum retry count cannot be used with restart policy 'always'"));
    assert.deepEqual(c.docker(['create', '--restart', 'whenever', IMAGE, 'true']), {
      code: 1, stdout: '', stderr: "Error response from daemon: invalid restart policy 'whenever'\n",
    });
    assert.deepEqual(c.docker(['run', '--restart', 'on-failure:x', IMAGE, 'true']), refused('invalid restart policy format: maximum retry count must be an integer'));
    assert.deepEqual(c.docker(['run', '--rm', '--restart', 'always', IMAGE, 'true']), refused('conflicting options: cannot specify both --restart and --rm'));
    assert.deepEqual(allContainers(), before);
  });

  it('bind mounts: --mount refuses a missing source (-v creates it); relative paths are refused', () => {
    const before = allContainers();
    const missing = join(c.work, 'no-such-dir');
    assert.deepEqual(c.docker(['run', '--rm', '--mount', `type=bind,source=${missing},target=/data`, IMAGE, 'true']), {
      code: 125, stdout: '',
      stderr: `docker: Error response from daemon: invalid mount config for type "bind": bind source path does not exist: ${missing}${RUN_HELP_TAIL}`,
    });
    assert.equal(existsSync(missing), false);

    const relativeTarget = c.docker(['run', '--rm', '-v', `${c.work}:relative`, IMAGE, 'true']);
    assert.equal(relativeTarget.code, 125);
    assert.equal(
      relativeTarget.stderr,
      `docker: Error response from daemon: invalid volume specification: '${c.work}:relative': invalid mount config for type "bind": ` +
        `invalid mount path: 'relative' mount path must be absolute${RUN_HELP_TAIL}`,
    );
    // A relative source is taken as a volume name, which cannot hold a slash.
    const relativeSource = c.docker(['run', '--rm', '-v', 'relative/path:/data', IMAGE, 'true']);
    assert.equal(relativeSource.code, 125);
    assert.match(relativeSource.stderr, /^docker: Error response from daemon: create relative\/path: "relative\/path" includes invalid characters for a local volume name, only "\[a-zA-Z0-9\]\[a-zA-Z0-9_.-\]" are allowed\. If you intended to pass a host directory, use absolute path\n/);
    assert.deepEqual(allContainers(), before);
  });

  it('resource limits out of range are refused, not ignored', () => {
    const before = allContainers();
    assert.deepEqual(c.docker(['run', '--rm', '--memory', '1k', IMAGE, 'true']), {
      code: 125, stdout: '', stderr: `docker: Error response from daemon: Minimum memory limit allowed is 6MB${RUN_HELP_TAIL}`,
    });
    assert.deepEqual(c.docker(['run', '--rm', '--memory', '64m', '--memory-swap', '32m', IMAGE, 'true']), {
      code: 125, stdout: '', stderr: `docker: Error response from daemon: Minimum memoryswap limit should be larger than memory limit, see usage${RUN_HELP_TAIL}`,
    });
    assert.deepEqual(allContainers(), before);
  });

  it('an unknown flag: usage and exit 125', () => {
    assert.deepEqual(c.docker(['run', '--rm', '--bogus', IMAGE, 'true']), {
      code: 125,
      stdout: '',
      stderr: "unknown flag: --bogus\n\nUsage:  docker run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nRun 'docker run --help' for more information\n",
    });
  });

  it('the daemon still serves after all of that, and holds nothing half-made', () => {
    assert.equal(c.ok(['version', '--format', '{{.Server.Os}}']), 'linux\n');
    assert.equal(c.ok(['run', '--rm', IMAGE, 'echo', 'still here']), 'still here\n');
    assert.deepEqual(allContainers(), []);
    assert.equal(c.ok(['images', '--format', '{{.Repository}}:{{.Tag}}']), `${IMAGE}:latest\n`);
  });
});
