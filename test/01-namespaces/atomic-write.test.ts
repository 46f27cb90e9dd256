// The one way Skiff writes a file it keeps (chapters/01-namespaces/atomic-write.ts),
// held to what the kernel sees: a reader of the old file keeps it whole, a
// write that runs out of room leaves the old file and no temporary one, and
// a durable write calls fsync(2) on the file before rename(2) and on the
// directory after it, as strace(1) shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { writeAtomically, writeStreamAtomically } from '../../chapters/01-namespaces/atomic-write.ts';
import { makeTempDir, removeTempDir } from '../helpers/rootfs.ts';

const dir = makeTempDir('skiff-atomic-');
test.after(() => removeTempDir(dir));

test('a reader of the old file reads it whole while the new one takes its name', () => {
  const path = join(dir, 'state.json');
  writeFileSync(path, 'old contents');
  const reader = openSync(path, 'r');
  try {
    writeAtomically(path, 'new contents, longer than the old');
    const buffer = Buffer.alloc(64);
    assert.equal(buffer.toString('utf8', 0, readSync(reader, buffer, 0, 64, 0)), 'old contents');
  } finally {
    closeSync(reader);
  }
  assert.equal(readFileSync(path, 'utf8'), 'new contents, longer than the old');
  assert.deepEqual(readdirSync(dir), ['state.json'], 'no temporary file is left');
});

test('a write that runs out of room leaves the old file as it was, and no temporary file', async () => {
  const small = join(dir, 'small');
  mkdirSync(small);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', small]);
  try {
    const path = join(small, 'index.json');
    writeAtomically(path, 'the old index');
    assert.throws(() => writeAtomically(path, Buffer.alloc(1 << 20, 'x')), { code: 'ENOSPC' });
    assert.equal(readFileSync(path, 'utf8'), 'the old index');
    await assert.rejects(
      writeStreamAtomically(path, (file) => pipeline(Readable.from([Buffer.alloc(1 << 20, 'y')]), file)),
      { code: 'ENOSPC' },
    );
    await assert.rejects(
      writeStreamAtomically(path, async (file) => {
        file.write('half of an archive');
        throw new Error('the producer failed');
      }),
      /the producer failed/,
    );
    assert.equal(readFileSync(path, 'utf8'), 'the old index');
    assert.deepEqual(readdirSync(small), ['index.json']);
    await writeStreamAtomically(path, (file) => pipeline(Readable.from(['a ', 'streamed ', 'index']), file));
    assert.equal(readFileSync(path, 'utf8'), 'a streamed index');
  } finally {
    execFileSync('umount', [small]);
  }
});

/** The fsync, rename and directory-open calls a write makes, in order, as strace reports them. */
function traceWrite(durable: boolean): string[] {
  const target = join(dir, `traced-${durable}.json`);
  const script = `
    import { writeAtomically } from ${JSON.stringify(new URL('../../chapters/01-namespaces/atomic-write.ts', import.meta.url).pathname)};
    writeAtomically(${JSON.stringify(target)}, '{"traced": true}', { durable: ${durable} });`;
  const log = join(dir, `strace-${durable}.log`);
  const run = spawnSync('strace', ['-f', '-o', log, '-e', 'trace=openat,fsync,fdatasync,rename,renameat,renameat2',
    process.execPath, '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(readFileSync(target, 'utf8'), '{"traced": true}');
  const lines = readFileSync(log, 'utf8').split('\n');
  // Keep the calls on our files; name each descriptor by the path it was opened from.
  const names = new Map<string, string>();
  const calls: string[] = [];
  for (const line of lines) {
    const open = /openat\(AT_FDCWD, "([^"]*)".*\)\s+=\s+(\d+)$/.exec(line);
    if (open && open[1]!.startsWith(dir)) names.set(open[2]!, open[1] === dir ? 'the directory' : 'the file');
    const sync = /\b(fsync|fdatasync)\((\d+)\)\s+=\s+0/.exec(line);
    if (sync && names.has(sync[2]!)) calls.push(`fsync ${names.get(sync[2]!)}`);
    if (/\brename(at2?)?\(.*traced-/.test(line)) calls.push('rename');
  }
  return calls;
}

test('durable: the file is flushed before the rename, the directory after it; not durable: neither', () => {
  assert.deepEqual(traceWrite(true), ['fsync the file', 'rename', 'fsync the directory']);
  assert.deepEqual(traceWrite(false), ['rename']);
});
