// The daemon describing itself: `docker version`, `docker info` and
// `docker system df`, their fields checked against the host they run on.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { arch, availableParallelism, hostname, release } from 'node:os';
import { describe, it } from 'node:test';
import { cells, IMAGE, lines, SIZE, useConformance } from './target.js';

/** Go's GOARCH, which `version` prints, and uname -m, which `info` prints, for Node's arch. */
const GOARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };
const UNAME_M: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64' };

function memTotalBytes(): number {
  const kib = /^MemTotal:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'));
  assert.ok(kib);
  return Number(kib[1]) * 1024;
}

describe('conformance: version, info, system df', () => {
  const c = useConformance(() => {
    // One running container, one exited, one paused, one created.
    c.ok(['run', '-d', '--name', 'up', IMAGE, 'sleep', '300']);
    c.ok(['run', '--name', 'down', IMAGE, 'true']);
    c.ok(['run', '-d', '--name', 'frozen', IMAGE, 'sleep', '300']);
    c.ok(['pause', 'frozen']);
    c.ok(['create', '--name', 'made', IMAGE, 'true']);
  });

  it('version shows the client and the server engine, with the server\'s OS, arch and kernel', () => {
    const out = c.ok(['version']);
    assert.match(out, /^Client:\n Version:\s+\d+\.\d+\.\d+\n API version:\s+1\.\d+/);
    assert.match(out, /\nServer:( .*)?\n Engine:\n  Version:\s+\S+\n  API version:\s+1\.\d+ \(minimum version 1\.\d+\)\n/);
    assert.match(out, new RegExp(`\\n  OS/Arch:\\s+linux/${GOARCH[arch()]}\\n`));
    const server = JSON.parse(c.ok(['version', '--format', '{{json .Server}}']));
    assert.equal(server.Os, 'linux');
    assert.equal(server.Arch, GOARCH[arch()]);
    assert.equal(server.KernelVersion, release());
    assert.match(server.ApiVersion, /^1\.\d+$/);
    assert.match(server.MinAPIVersion, /^1\.\d+$/);
    assert.ok(server.Version.length > 0);
    // The API version the CLI settled on is the lower of its own and the server's.
    const [client, negotiated] = c.ok(['version', '--format', '{{.Client.DefaultAPIVersion}} {{.Client.APIVersion}}']).trim().split(' ');
    const minor = (v: string) => Number(v.split('.')[1]);
    assert.equal(minor(negotiated), Math.min(minor(client), minor(server.ApiVersion)));
  });

  it('info counts containers by state and images, and describes the host', () => {
    const info = JSON.parse(c.ok(['info', '--format', '{{json .}}']));
    assert.equal(info.Containers, 4);
    assert.equal(info.ContainersRunning, 1);
    assert.equal(info.ContainersPaused, 1);
    assert.equal(info.ContainersStopped, 2);
    assert.equal(info.Images, 1);
    assert.equal(info.OSType, 'linux');
    assert.equal(info.Architecture, UNAME_M[arch()]);
    assert.equal(info.NCPU, availableParallelism());
    assert.equal(info.MemTotal, memTotalBytes());
    assert.equal(info.KernelVersion, release());
    assert.equal(info.Name, hostname());
    assert.match(info.DockerRootDir, /^\//);
    assert.ok(info.ServerVersion.length > 0 && info.Driver.length > 0 && info.ID.length > 0);

    const text = c.docker(['info']);
    assert.equal(text.code, 0);
    assert.equal(text.stderr, '');
    const server = text.stdout.slice(text.stdout.indexOf('\nServer:\n'));
    for (const line of [
      ' Containers: 4', '  Running: 1', '  Paused: 1', '  Stopped: 2', ' Images: 1',
      ` Server Version: ${info.ServerVersion}`, ` Kernel Version: ${release()}`, ' OSType: linux',
      ` Architecture: ${UNAME_M[arch()]}`, ` CPUs: ${availableParallelism()}`, ` Name: ${hostname()}`,
      ` Docker Root Dir: ${info.DockerRootDir}`,
    ]) {
      assert.ok(server.includes(`\n${line}\n`), `info has no line "${line}"`);
    }
    assert.match(server, /\n Total Memory: \d+(\.\d+)?GiB\n/);
  });

  it('system df sums images, containers, volumes and build cache', () => {
    const [header, ...rows] = lines(c.ok(['system', 'df']));
    assert.deepEqual(cells(header), ['TYPE', 'TOTAL', 'ACTIVE', 'SIZE', 'RECLAIMABLE']);
    assert.deepEqual(rows.map((row) => cells(row).slice(0, 3)), [
      ['Images', '1', '1'],
      ['Containers', '4', '2'],
      ['Local Volumes', '0', '0'],
      ['Build Cache', '0', '0'],
    ]);
    for (const row of rows) {
      assert.match(cells(row)[3], new RegExp(`^${SIZE}$`));
      assert.match(cells(row)[4], new RegExp(`^${SIZE}( \\(\\d+%\\))?$`));
    }
    assert.equal(c.ok(['system', 'df', '--format', '{{.Type}} {{.TotalCount}} {{.Active}}']),
      'Images 1 1\nContainers 4 2\nLocal Volumes 0 0\nBuild Cache 0 0\n');

    // -v lists each image and container.
    const verbose = c.ok(['system', 'df', '-v']);
    assert.match(verbose, /^Images space usage:\n\nREPOSITORY +TAG +IMAGE ID +CREATED +SIZE +SHARED SIZE +UNIQUE SIZE +CONTAINERS\n/);
    assert.match(verbose, new RegExp(`\\n${IMAGE} +latest +[0-9a-f]{12} .* 4\\n`));
    const containers = verbose.slice(verbose.indexOf('Containers space usage:'));
    for (const name of ['up', 'down', 'frozen', 'made']) assert.match(containers, new RegExp(` ${name}\\n`));
  });
});
