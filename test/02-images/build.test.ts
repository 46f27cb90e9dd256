// `skiff-engine build`: every instruction, checked by running the image it
// made and by reading its config; errors that name the Dockerfile line; a
// failed build leaves nothing half-made.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { EngineLab } from './engine-lab.ts';

let lab: EngineLab;

before(() => {
  lab = new EngineLab();
  lab.importBusybox();
});

after(() => lab.close());

interface Inspected {
  Id: string;
  RepoTags: string[];
  Config: { Env: string[]; Cmd: string[] | null; Entrypoint: string[] | null; WorkingDir: string; User: string; Labels: Record<string, string>; ExposedPorts: Record<string, object>; Volumes: Record<string, object> };
  RootFS: { Layers: string[] };
}
const inspect = (name: string): Inspected => (JSON.parse(lab.ok(['inspect', name])) as Inspected[])[0];

test('a Dockerfile with every instruction builds an image that runs as written', () => {
  const ctx = lab.context('ctx-all', {
    Dockerfile: [
      '# a comment',
      'ARG BASE=busybox',
      'FROM $BASE',
      'ARG FLAVOUR=plain',
      'ENV APP_HOME=/opt/app \\',
      '    MODE="two words"',
      'LABEL org.example.name="all" org.example.flavour=$FLAVOUR',
      'WORKDIR $APP_HOME',
      'COPY greet.sh bin/',
      'COPY --chown=1000:1000 data/ ./data/',
      'ADD bundle.tar.gz /unpacked/',
      'RUN echo "$FLAVOUR" > flavour && chmod +x bin/greet.sh',
      'RUN ["sh", "-c", "echo exec-form > /exec-form"]',
      'EXPOSE 8080 53/udp',
      'VOLUME /var/data',
      'USER 1000',
      'ENTRYPOINT ["/opt/app/bin/greet.sh"]',
      'CMD ["world"]',
    ].join('\n'),
    'greet.sh': '#!/bin/sh\necho "hello $1 ($MODE, $(cat flavour), $(id -u), $(pwd))"\n',
    'data/a.txt': 'A\n',
    'data/sub/b.txt': 'B\n',
  });
  // ADD unpacks a local gzip tar.
  mkdirSync(join(ctx, 'tarsrc/inner'), { recursive: true });
  writeFileSync(join(ctx, 'tarsrc/inner/c.txt'), 'C\n');
  assert.equal(spawnSync('tar', ['-C', join(ctx, 'tarsrc'), '-czf', join(ctx, 'bundle.tar.gz'), 'inner']).status, 0);

  const out = lab.ok(['build', '-t', 'all:v1', '--build-arg', 'FLAVOUR=spicy', ctx]);
  assert.match(out, /^Step 1\/16 : ARG BASE=busybox\n/);
  assert.match(out, /Step 2\/16 : FROM \$BASE\n ---> [0-9a-f]{12}\n/);
  assert.match(out, /Successfully built ([0-9a-f]{12})\nSuccessfully tagged all:v1\n$/);

  assert.equal(lab.ok(['run', '--rm', 'all:v1']), 'hello world (two words, spicy, 1000, /opt/app)\n');
  assert.equal(lab.ok(['run', '--rm', '--entrypoint', 'cat', 'all:v1', '/unpacked/inner/c.txt', '/exec-form']), 'C\nexec-form\n');
  const owners = lab.ok(['run', '--rm', '--entrypoint', 'stat', 'all:v1', '-c', '%u:%g %n', 'data/a.txt', 'data/sub/b.txt', 'bin/greet.sh']);
  assert.equal(owners, '1000:1000 data/a.txt\n1000:1000 data/sub/b.txt\n0:0 bin/greet.sh\n');

  const config = inspect('all:v1').Config;
  assert.deepEqual(config.Env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'APP_HOME=/opt/app', 'MODE=two words']);
  assert.deepEqual(config.Labels, { 'org.example.name': 'all', 'org.example.flavour': 'spicy' });
  assert.deepEqual(Object.keys(config.ExposedPorts).sort(), ['53/udp', '8080/tcp']);
  assert.deepEqual(Object.keys(config.Volumes), ['/var/data']);
  assert.equal(config.WorkingDir, '/opt/app');
  assert.equal(config.User, '1000');
  assert.deepEqual(config.Entrypoint, ['/opt/app/bin/greet.sh']);
  assert.deepEqual(config.Cmd, ['world']);
});

test('history has a row for every instruction; only filesystem steps have layers', () => {
  const ctx = lab.context('ctx-history', {
    Dockerfile: 'FROM busybox\nENV A=1\nWORKDIR /w\nCOPY f /f\nRUN touch /g\nCMD ["sh"]\n',
    f: 'f\n',
  });
  lab.ok(['build', '-t', 'hist', ctx]);
  const rows = lab.ok(['history', '--no-trunc', 'hist']).trimEnd().split('\n');
  assert.match(rows[0], /^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT$/);
  // Newest first: CMD, RUN, COPY, WORKDIR, ENV, then the imported base.
  assert.match(rows[1], /^[0-9a-f]{12}\s+.*\/bin\/sh -c #\(nop\)  CMD \["sh"\]\s+0B/);
  assert.match(rows[2], /^<missing>\s+.*\/bin\/sh -c touch \/g\s+\S+B/);
  assert.match(rows[3], /^<missing>\s+.*#\(nop\) COPY file:[0-9a-f]+ in \/f /);
  assert.match(rows[4], /#\(nop\) WORKDIR \/w\s+0B/); // one space: moby comments WORKDIR so
  assert.match(rows[5], /#\(nop\)  ENV A=1\s+0B/);
  assert.match(rows[6], /Imported from -/);
  assert.equal(rows.length, 7);
  assert.equal(inspect('hist').RootFS.Layers.length, 3); // import + COPY + RUN
});

test('FROM scratch: an image from a rootfs tarball ADDed, with the default PATH', () => {
  const ctx = lab.context('ctx-scratch', { Dockerfile: 'FROM scratch\nADD rootfs.tar /\nCMD ["sh", "-c", "echo $PATH"]\n' });
  assert.equal(spawnSync('cp', [lab.busyboxTar(), join(ctx, 'rootfs.tar')]).status, 0);
  lab.ok(['build', '-t', 'from-scratch', ctx]);
  assert.equal(lab.ok(['run', '--rm', 'from-scratch']), '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n');
  assert.equal(inspect('from-scratch').RootFS.Layers.length, 1);
});

test('the runtime\'s mount points (/proc, /dev, /sys) stay out of a RUN layer when the image lacks them', () => {
  const ctx = lab.context('ctx-bare', { Dockerfile: 'FROM scratch\nADD bin.tar /\nRUN ["/bin/busybox", "true"]\n' });
  lab.busyboxTar();
  assert.equal(spawnSync('tar', ['-C', join(lab.dir, 'busybox-rootfs'), '-cf', join(ctx, 'bin.tar'), './bin']).status, 0);
  lab.ok(['build', '-t', 'bare', ctx]);
  const archive = join(lab.dir, 'bare.tar');
  lab.ok(['save', '-o', archive, 'bare']);
  const manifest = JSON.parse(spawnSync('tar', ['-xOf', archive, 'manifest.json'], { encoding: 'utf8' }).stdout) as { Layers: string[] }[];
  const layers = manifest[0].Layers;
  assert.equal(layers.length, 2);
  const runLayer = spawnSync('tar', ['-xOf', archive, layers[1]], { maxBuffer: 1 << 28 }).stdout;
  const entries = spawnSync('tar', ['-t'], { input: runLayer, encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  assert.deepEqual(entries.filter((e) => /^(\.\/)?(proc|dev|sys)(\/|$)/.test(e)), []);
});

test('.dockerignore keeps files out of COPY', () => {
  const ctx = lab.context('ctx-ignore', {
    Dockerfile: 'FROM busybox\nCOPY . /ctx/\n',
    '.dockerignore': '*.secret\nbuild/\n!build/keep.txt\n',
    'app.txt': 'app\n',
    'key.secret': 'hidden\n',
    'build/out.o': 'obj\n',
    'build/keep.txt': 'kept\n',
  });
  lab.ok(['build', '-t', 'ignoring', ctx]);
  const files = lab.ok(['run', '--rm', 'ignoring', 'find', '/ctx', '-type', 'f']).trim().split('\n').sort();
  assert.deepEqual(files, ['/ctx/.dockerignore', '/ctx/Dockerfile', '/ctx/app.txt', '/ctx/build/keep.txt']);
  const refused = lab.engine(['build', '-f', join(ctx, 'Dockerfile.secret'), ctx]);
  assert.notEqual(refused.code, 0);
  writeFileSync(join(ctx, 'Dockerfile.secret'), 'FROM busybox\nCOPY key.secret /\n');
  const excluded = lab.engine(['build', '-f', join(ctx, 'Dockerfile.secret'), ctx]);
  assert.equal(excluded.code, 1);
  assert.match(excluded.stderr, /line 2: COPY failed: file not found in build context or excluded by \.dockerignore: stat key\.secret/);
});

test('COPY resolves links on a source path inside the context root, never on the host', () => {
  // A host directory outside the context, holding a secret a link points at.
  const outside = join(lab.dir, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret'), 'host secret\n');
  const ctx = lab.context('ctx-links', { Dockerfile: 'FROM busybox\n', 'sub/a.txt': 'in context\n' });
  symlinkSync(outside, join(ctx, 'evil'));
  symlinkSync('sub', join(ctx, 'relative'));
  symlinkSync('/sub', join(ctx, 'absolute')); // absolute: "/" is the context root

  const build = (name: string, dockerfile: string) => {
    writeFileSync(join(ctx, name), dockerfile);
    return lab.engine(['build', '-t', name.toLowerCase(), '-f', join(ctx, name), ctx]);
  };
  for (const source of ['evil/secret', 'evil/', 'evil/./secret']) {
    const escaped = build('Dockerfile.escape', `FROM busybox\nCOPY ${source} /x\nRUN cat /x\n`);
    assert.equal(escaped.code, 1, `COPY ${source}`);
    assert.doesNotMatch(escaped.stdout + escaped.stderr, /host secret/);
    assert.match(escaped.stderr, /line 2: COPY failed: file not found in build context/);
  }

  const inside = build('Dockerfile.inside', 'FROM busybox\nCOPY relative/a.txt /r\nCOPY absolute/a.txt /a\nCOPY evil /link\n');
  assert.equal(inside.code, 0, inside.stderr);
  assert.equal(lab.ok(['run', '--rm', 'dockerfile.inside', 'cat', '/r', '/a']), 'in context\nin context\n');
  // A link named as a source is copied as the link itself, still pointing where it did.
  assert.equal(lab.ok(['run', '--rm', 'dockerfile.inside', 'readlink', '/link']), `${outside}\n`);
});

test('EXPOSE reads ports as Docker does and refuses what is no port; an empty Dockerfile is refused', () => {
  const ctx = lab.context('ctx-expose', { Dockerfile: 'FROM busybox\nEXPOSE 7000-7002 53/UDP 8080\n' });
  lab.ok(['build', '-t', 'exposing', ctx]);
  assert.deepEqual(Object.keys(inspect('exposing').Config.ExposedPorts).sort(), ['53/udp', '7000/tcp', '7001/tcp', '7002/tcp', '8080/tcp']);
  for (const [word, message] of [['notaport', 'invalid containerPort: notaport'], ['70000', 'invalid containerPort: 70000'], ['80/xtp', 'invalid proto: xtp']]) {
    writeFileSync(join(ctx, 'Dockerfile'), `FROM busybox\nEXPOSE ${word}\n`);
    const refused = lab.engine(['build', '-t', 'not-exposing', ctx]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, new RegExp(`^Error: Dockerfile line 2: ${message.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`, 'm'));
  }
  assert.match(lab.engine(['inspect', 'not-exposing']).stderr, /No such image/);

  writeFileSync(join(ctx, 'Dockerfile'), '# only a comment\n\n');
  const empty = lab.engine(['build', ctx]);
  assert.equal(empty.code, 1);
  assert.equal(empty.stdout, '');
  assert.match(empty.stderr, /^Error: the Dockerfile \(Dockerfile\) cannot be empty$/m);
});

test('a RUN that changes nothing has a 0B layer in history; one that writes 6 bytes, 6B', () => {
  const ctx = lab.context('ctx-zero', { Dockerfile: 'FROM busybox\nRUN true\nRUN echo hello > /h\n' });
  lab.ok(['build', '-t', 'zero', ctx]);
  const rows = lab.ok(['history', '--no-trunc', 'zero']).trimEnd().split('\n');
  assert.match(rows[1], /\/bin\/sh -c echo hello > \/h\s+6B\s*$/);
  assert.match(rows[2], /\/bin\/sh -c true\s+0B\s*$/);
  assert.equal(inspect('zero').RootFS.Layers.length, 3); // Docker keeps the empty layer too
});

test('errors name the Dockerfile line, and a failed build leaves nothing half-made', () => {
  const imagesBefore = lab.ok(['images', '-q']);
  const unknown = lab.engine(['build', lab.context('ctx-err1', { Dockerfile: 'FROM busybox\n\nRUN true\nFLY away\n' })]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^Error: Dockerfile line 4: unknown instruction: FLY$/m);

  const failing = lab.engine(['build', '-t', 'never', lab.context('ctx-err2', { Dockerfile: 'FROM busybox\nRUN echo partial > /p\nRUN echo "about to fail" && exit 3\n' })]);
  assert.equal(failing.code, 1);
  assert.match(failing.stdout, /about to fail/);
  assert.match(failing.stderr, /Dockerfile line 3: The command '\/bin\/sh -c echo "about to fail" && exit 3' returned a non-zero code: 3/);

  const missing = lab.engine(['build', lab.context('ctx-err3', { Dockerfile: 'FROM busybox\nCOPY nowhere.txt /\n' })]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /Dockerfile line 2: COPY failed: .*stat nowhere\.txt: file does not exist/);

  const noBase = lab.engine(['build', lab.context('ctx-err4', { Dockerfile: 'FROM not-here:1.0\n' })]);
  assert.match(noBase.stderr, /Dockerfile line 1: .*No such image: not-here:1\.0/);

  assert.equal(lab.ok(['images', '-q']), imagesBefore);
  assert.match(lab.engine(['inspect', 'never']).stderr, /No such image: never/);
  assert.deepEqual(lab.activeSnapshots(), []);
  assert.deepEqual(lab.mounts(), []);
});
