// Volumes as a docker CLI user meets them: `docker volume` create, ls,
// inspect and rm; a named volume outliving its container; the copy-up of an
// image's files into a new volume; Mounts in inspect; a volume in use that
// cannot be removed; and every mistake in Docker's words, with nothing made.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IMAGE, lines, useConformance } from './target.js';

describe('conformance: volumes', () => {
  const c = useConformance(() => {
    // An image with files at /seed, made the same way on both daemons.
    c.ok(['run', '--name', 'seeder', IMAGE, 'sh', '-c', 'mkdir /seed && echo from-image > /seed/hello']);
    c.ok(['commit', 'seeder', 'seeded']);
    c.ok(['rm', 'seeder']);
  });
  const volumes = () => lines(c.ok(['volume', 'ls', '-q'])).sort();

  it('create, ls, inspect, rm: the name back, a table, the local driver\'s fields', () => {
    assert.equal(c.ok(['volume', 'create', '--label', 'team=a', 'conf-a']), 'conf-a\n');
    assert.equal(c.ok(['volume', 'create', 'conf-a']), 'conf-a\n'); // a name taken answers with that volume
    assert.equal(c.ok(['volume', 'create', '-o', 'type=tmpfs', '-o', 'device=tmpfs', '-o', 'o=size=1m', 'conf-t']), 'conf-t\n');
    assert.equal(c.ok(['volume', 'ls']), 'DRIVER    VOLUME NAME\nlocal     conf-a\nlocal     conf-t\n');
    assert.equal(c.ok(['volume', 'ls', '--filter', 'label=team=a', '--format', '{{.Name}} {{.Labels}}']), 'conf-a team=a\n');
    const [a, t] = JSON.parse(c.ok(['volume', 'inspect', 'conf-a', 'conf-t']));
    assert.deepEqual(Object.keys(a).sort(), ['CreatedAt', 'Driver', 'Labels', 'Mountpoint', 'Name', 'Options', 'Scope']);
    assert.deepEqual([a.Driver, a.Labels, a.Options, a.Scope], ['local', { team: 'a' }, null, 'local']);
    assert.match(a.Mountpoint, /\/volumes\/conf-a\/_data$/);
    assert.match(a.CreatedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
    assert.deepEqual([t.Labels, t.Options], [null, { device: 'tmpfs', o: 'size=1m', type: 'tmpfs' }]);
    assert.equal(c.ok(['volume', 'rm', 'conf-a', 'conf-t']), 'conf-a\nconf-t\n');
    assert.deepEqual(volumes(), []);
  });

  it('a named volume keeps what one container wrote for the next; inspect shows it as Docker does', () => {
    c.ok(['run', '--name', 'writer', '-v', 'conf-data:/data', IMAGE, 'sh', '-c', 'echo kept > /data/f']);
    const [mount] = JSON.parse(c.ok(['inspect', '--format', '{{json .Mounts}}', 'writer']));
    assert.match(mount.Source, /\/volumes\/conf-data\/_data$/);
    assert.deepEqual({ ...mount, Source: undefined }, {
      Type: 'volume', Name: 'conf-data', Source: undefined, Destination: '/data', Driver: 'local', Mode: 'z', RW: true, Propagation: '',
    });
    c.ok(['rm', 'writer']);
    assert.equal(c.ok(['run', '--rm', '--mount', 'type=volume,source=conf-data,target=/d,readonly', IMAGE, 'cat', '/d/f']), 'kept\n');
    c.ok(['volume', 'rm', 'conf-data']);
  });

  it('copy-up: a new volume shows the image\'s files; anonymous volumes come from -v /path and go with rm -v', () => {
    assert.equal(c.ok(['run', '--rm', '-v', 'conf-fresh:/seed', 'seeded', 'cat', '/seed/hello']), 'from-image\n');
    c.ok(['run', '--rm', '-v', 'conf-fresh:/seed', 'seeded', 'sh', '-c', 'echo mine > /seed/hello']);
    assert.equal(c.ok(['run', '--rm', '-v', 'conf-fresh:/seed', 'seeded', 'cat', '/seed/hello']), 'mine\n');
    c.ok(['volume', 'rm', 'conf-fresh']);
    const id = c.ok(['create', '-v', '/seed', '--tmpfs', '/t:size=1m', '--mount', 'type=tmpfs,target=/t2', 'seeded', 'cat', '/seed/hello']).trim();
    const mounts = JSON.parse(c.ok(['inspect', '--format', '{{json .Mounts}}', id])) as Record<string, unknown>[];
    const byType = Object.fromEntries(mounts.map((m) => [m.Type, m]));
    assert.deepEqual(Object.keys(byType).sort(), ['tmpfs', 'volume']); // --tmpfs is in HostConfig.Tmpfs only
    assert.deepEqual(byType.tmpfs, { Type: 'tmpfs', Source: '', Destination: '/t2', Mode: '', RW: true, Propagation: '' });
    assert.match(String(byType.volume!.Name), /^[0-9a-f]{64}$/);
    assert.deepEqual([byType.volume!.Destination, byType.volume!.Mode, byType.volume!.RW], ['/seed', '', true]);
    assert.equal(c.ok(['inspect', '--format', '{{json .HostConfig.Tmpfs}}', id]), '{"/t":"size=1m"}\n');
    assert.equal(c.ok(['start', '-a', id]), 'from-image\n');
    assert.deepEqual(volumes(), [byType.volume!.Name]);
    c.ok(['rm', '-v', id]);
    assert.deepEqual(volumes(), []);
  });

  it('a volume in use is refused removal, forced or not, naming its container; prune spares it', () => {
    const id = c.ok(['create', '-v', 'conf-busy:/x', IMAGE, 'true']).trim();
    for (const args of [['volume', 'rm', 'conf-busy'], ['volume', 'rm', '-f', 'conf-busy']]) {
      assert.deepEqual(c.docker(args), { code: 1, stdout: '', stderr: `Error response from daemon: remove conf-busy: volume is in use - [${id}]\n` });
    }
    // An anonymous volume nothing uses is what prune removes by default, on every API version.
    const anon = c.ok(['create', '-v', '/scratch', IMAGE, 'true']).trim();
    const name = JSON.parse(c.ok(['inspect', '--format', '{{json .Mounts}}', anon]))[0].Name;
    c.ok(['rm', anon]);
    assert.equal(c.ok(['volume', 'ls', '-q', '--filter', 'dangling=true']), `${name}\n`);
    assert.equal(c.ok(['volume', 'prune', '-f']), `Deleted Volumes:\n${name}\n\nTotal reclaimed space: 0B\n`);
    c.ok(['rm', id]);
    assert.equal(c.ok(['volume', 'rm', 'conf-busy']), 'conf-busy\n');
  });

  it('bad input: the local driver\'s and the daemon\'s words, exit 1, nothing made', () => {
    const cases: [string[], string][] = [
      [['volume', 'create', 'a b'], 'create a b: "a b" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path'],
      [['volume', 'create', 'a'], 'create a: volume name is too short, names should be at least two alphanumeric characters'],
      [['volume', 'create', '-d', 'nodriver', 'conf-x'], 'create conf-x: error looking up volume plugin nodriver: plugin "nodriver" not found'],
      [['volume', 'create', '-o', 'foo=bar', 'conf-x'], 'create conf-x: invalid option: "foo"'],
      [['volume', 'create', '-o', 'type=tmpfs', 'conf-x'], 'create conf-x: missing required option: "device"'],
      [['volume', 'create', '-o', 'o=bind', 'conf-x'], 'create conf-x: missing required option: "device"'],
      [['volume', 'rm', 'nope'], 'get nope: no such volume'],
      [['volume', 'ls', '--filter', 'dangling=maybe'], "Invalid filter 'dangling=[maybe]'"],
      [['volume', 'ls', '--filter', 'bogus=1'], "Invalid filter 'bogus'"],
      [['create', '--tmpfs', 'rel', IMAGE, 'true'], "invalid mount path: 'rel' mount path must be absolute"],
      [['create', '--mount', 'type=tmpfs,src=/x,dst=/x', IMAGE, 'true'], 'invalid mount config for type "tmpfs": field Source must not be specified'],
      [['create', '--mount', 'type=bind,dst=/x', IMAGE, 'true'], 'invalid mount config for type "bind": field Source must not be empty'],
      [['create', '--mount', 'type=volume,dst=x', IMAGE, 'true'], "invalid mount config for type \"volume\": invalid mount path: 'x' mount path must be absolute"],
      [['create', '--mount', 'type=volume,src=a b,dst=/x', IMAGE, 'true'], 'create a b: "a b" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path'],
      [['create', '--tmpfs', '/x', '-v', '/host:/x', IMAGE, 'true'], 'Duplicate mount point: /x'],
    ];
    for (const [args, message] of cases) {
      assert.deepEqual(c.docker(args), { code: 1, stdout: '', stderr: `Error response from daemon: ${message}\n` }, args.join(' '));
    }
    assert.deepEqual(c.docker(['volume', 'inspect', 'nope']), { code: 1, stdout: '[]\n', stderr: 'Error response from daemon: get nope: no such volume\n' });
    assert.deepEqual(volumes(), []);
    assert.deepEqual(lines(c.ok(['ps', '-aq'])), []);
  });
});
