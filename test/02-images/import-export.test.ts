// import (a rootfs tarball becomes an image), export (a container's
// filesystem becomes a tarball), commit (its writable layer becomes a layer),
// checked with the system's own tar.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { EngineLab } from './engine-lab.ts';
import { engineCommand } from '../helpers/executables.ts';
import { writeToFile } from '../../chapters/02-images/store/output.ts';
import { InvalidArgumentError } from '../../chapters/01-namespaces/index.ts';

let lab: EngineLab;

before(() => {
  lab = new EngineLab();
});

after(() => lab.close());

test('import of a gzip tarball from stdin makes a one-layer image that runs', () => {
  const gz = join(lab.dir, 'rootfs.tar.gz');
  writeFileSync(gz, spawnSync('gzip', ['-c', lab.busyboxTar()]).stdout);
  const id = lab.ok(['import', '-', 'imported:gz'], { input: readFileSync(gz) }).trim();
  assert.match(id, /^sha256:[0-9a-f]{64}$/);
  const [image] = JSON.parse(lab.ok(['inspect', 'imported:gz'])) as Array<{ Id: string; RootFS: { Layers: string[] } }>;
  assert.equal(image.Id, id);
  assert.equal(image.RootFS.Layers.length, 1);
  // The DiffID is the digest of the uncompressed tar, whatever came in.
  const sha = spawnSync('sha256sum', [lab.busyboxTar()], { encoding: 'utf8' }).stdout.split(' ')[0];
  assert.equal(image.RootFS.Layers[0], `sha256:${sha}`);
  assert.equal(lab.ok(['run', '--rm', 'imported:gz', 'echo', 'imported']), 'imported\n');
  assert.match(lab.ok(['history', 'imported:gz']), /Imported from -/);
});

test('import refuses what is not a tarball and leaves no image', () => {
  const junk = join(lab.dir, 'junk.tar');
  writeFileSync(junk, 'this is not a tar archive at all'.repeat(40));
  const before = lab.ok(['images', '-q']);
  const r = lab.engine(['import', junk, 'junk:1']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^Error: import failed: /);
  assert.equal(lab.ok(['images', '-q']), before);
  assert.match(lab.engine(['import', join(lab.dir, 'absent.tar')]).stderr, /no such file or directory/);
});

test("export writes the container's whole filesystem, its own changes included", () => {
  lab.ok(['import', lab.busyboxTar(), 'busybox']);
  lab.ok(['run', '--name', 'exported', 'busybox', 'sh', '-c', 'echo made-inside > /made-inside && rm /bin/vi']);
  const tarPath = join(lab.dir, 'exported.tar');
  lab.ok(['export', '-o', tarPath, 'exported']);
  const names = spawnSync('tar', ['-tf', tarPath], { encoding: 'utf8' }).stdout.split('\n');
  assert.ok(names.includes('made-inside'), 'file written in the container');
  assert.ok(names.includes('bin/busybox'), 'file from the image layer');
  assert.ok(!names.includes('bin/vi'), 'file deleted in the container');
  assert.equal(spawnSync('tar', ['-xOf', tarPath, 'made-inside'], { encoding: 'utf8' }).stdout, 'made-inside\n');
  // And to stdout.
  const viaStdout = lab.engine(['export', 'exported']);
  assert.equal(viaStdout.code, 0);
  assert.ok(viaStdout.stdout.length > 0);
});

test('commit turns the writable layer into a new image layer, deletions included', () => {
  const id = lab.ok(['commit', 'exported', 'committed:v1']).trim();
  assert.match(id, /^sha256:[0-9a-f]{64}$/);
  const out = lab.engine(['run', '--rm', 'committed:v1', 'sh', '-c', 'cat /made-inside; ls /bin/vi']);
  assert.equal(out.stdout, 'made-inside\n');
  assert.match(out.stderr, /No such file or directory/);
  const [image] = JSON.parse(lab.ok(['inspect', 'committed:v1'])) as Array<{ RootFS: { Layers: string[] } }>;
  assert.equal(image.RootFS.Layers.length, 2);
  lab.ok(['rm', 'exported']);
});

test('save and export that cannot write: one line, exit 1, nothing mounted, no partial file', () => {
  lab.importBusybox('writer:latest');
  lab.ok(['run', '--name', 'to-export', 'writer', 'true']);
  const oneLine = (r: { code: number; stderr: string }, message: RegExp) => {
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  };

  // A directory that is not there: refused before any work, in the docker CLI's words.
  oneLine(lab.engine(['save', '-o', '/nonexistent/dir/x.tar', 'writer']),
    /^Error: failed to save image: invalid output path: stat \/nonexistent\/dir: no such file or directory$/m);
  oneLine(lab.engine(['export', '-o', '/nonexistent/x.tar', 'to-export']),
    /^Error: failed to export container: invalid output path: stat \/nonexistent: no such file or directory$/m);

  // What the finished file's rename would replace, refused in the docker CLI's words (checked
  // against docker 28): a device node (the host's /dev/null, were it that), a FIFO, a symbolic
  // link, a directory. Each is left as it was.
  const odd = join(lab.dir, 'odd-outputs');
  mkdirSync(odd);
  execFileSync('mknod', [join(odd, 'null'), 'c', '1', '3']);
  execFileSync('mkfifo', [join(odd, 'fifo')]);
  symlinkSync(join(odd, 'elsewhere.tar'), join(odd, 'link'));
  oneLine(lab.engine(['save', '-o', join(odd, 'null'), 'writer']), /^Error: failed to save image: cannot write to a character device file$/m);
  oneLine(lab.engine(['export', '-o', join(odd, 'null'), 'to-export']), /^Error: failed to export container: cannot write to a character device file$/m);
  oneLine(lab.engine(['export', '-o', join(odd, 'fifo'), 'to-export']), /^Error: failed to export container: cannot write to a named pipe \(FIFO\)$/m);
  oneLine(lab.engine(['save', '-o', join(odd, 'link'), 'writer']), /^Error: failed to save image: cannot write to a symbolic link directly$/m);
  oneLine(lab.engine(['save', '-o', odd, 'writer']), /^Error: failed to save image: cannot write to a directory$/m);
  assert.ok(lstatSync(join(odd, 'null')).isCharacterDevice(), 'the device node is still one');
  assert.ok(lstatSync(join(odd, 'fifo')).isFIFO());
  assert.ok(lstatSync(join(odd, 'link')).isSymbolicLink());
  assert.deepEqual(readdirSync(odd).sort(), ['fifo', 'link', 'null'], 'no temporary file left, nothing written through the link');

  // Standard output on a device that is always full (ENOSPC on every write).
  const toDevFull = (args: string[]) => {
    const [cmd, ...prefix] = engineCommand();
    const full = openSync('/dev/full', 'w');
    try {
      const r = spawnSync(cmd, [...prefix, '--root', lab.root, ...args], { stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
      return { code: r.status ?? -1, stderr: r.stderr };
    } finally {
      closeSync(full);
    }
  };
  oneLine(toDevFull(['save', 'writer']), /^Error: write \/dev\/stdout: no space left on device$/m);
  oneLine(toDevFull(['save', '--format', 'oci', 'writer']), /^Error: write \/dev\/stdout: no space left on device$/m);
  oneLine(toDevFull(['export', 'to-export']), /^Error: write \/dev\/stdout: no space left on device$/m);
  assert.deepEqual(lab.mounts(), []);

  // A file system that fills up half-way: no file under the name, no temporary one either.
  const small = join(lab.dir, 'small');
  mkdirSync(small);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', small]);
  try {
    oneLine(lab.engine(['export', '-o', join(small, 'ctr.tar'), 'to-export']), /^Error: write .*ctr\.tar: no space left on device$/m);
    oneLine(lab.engine(['save', '-o', join(small, 'img.tar'), 'writer']), /^Error: write .*img\.tar: no space left on device$/m);
    assert.deepEqual(readdirSync(small), []);
  } finally {
    execFileSync('umount', [small]);
  }
  assert.deepEqual(lab.mounts(), []);
  // And with room, export -o writes the whole tar.
  lab.ok(['export', '-o', join(lab.dir, 'ctr.tar'), 'to-export']);
  assert.match(execFileSync('tar', ['-tf', join(lab.dir, 'ctr.tar')], { encoding: 'utf8' }), /^bin\/busybox$/m);
  assert.deepEqual(lab.mounts(), []);
});

test('the writer itself refuses to rename over a device node, whoever calls it, not only the command line', async () => {
  const dir = join(lab.dir, 'writer-guard');
  mkdirSync(dir);
  const node = join(dir, 'null');
  execFileSync('mknod', [node, 'c', '1', '3']);
  let produced = false;
  await assert.rejects(writeToFile(node, async (out) => { produced = true; out.end('tar'); }), (err) =>
    err instanceof InvalidArgumentError && /^write .*\/null: cannot write to a character device file$/.test(err.message));
  assert.equal(produced, false, 'refused before any work');
  assert.ok(lstatSync(node).isCharacterDevice());
  assert.deepEqual(readdirSync(dir), ['null']);
});
