// The content store names blobs by sha256, checks digests as bytes arrive,
// and never leaves a half-written or wrong blob behind.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { ContentStore, DigestMismatchError } from '../../chapters/02-images/store/content-store.js';
import { makeTempDir, removeTempDir } from '../helpers/rootfs.js';

describe('content store', () => {
  let root: string;
  let store: ContentStore;
  before(() => {
    root = makeTempDir();
    store = new ContentStore(root);
  });
  after(() => removeTempDir(root));

  const ingestIsEmpty = () => readdirSync(store.ingestDir).length === 0;

  it('stores bytes under the sha256 that sha256sum computes', async () => {
    const bytes = Buffer.from('hello, content store\n');
    const { digest, size } = await store.write(bytes);
    const sum = execFileSync('sha256sum', [store.path(digest)], { encoding: 'utf8' }).split(' ')[0];
    assert.equal(digest, `sha256:${sum}`);
    assert.equal(size, bytes.length);
    assert.equal(store.path(digest), join(root, 'images/blobs/sha256', sum));
    assert.deepEqual(await store.read(digest), bytes);
    assert.ok(ingestIsEmpty());
  });

  it('streams a large blob in and out', async () => {
    const chunk = Buffer.alloc(1 << 20, 7);
    const source = Readable.from((function* () {
      for (let i = 0; i < 8; i++) yield chunk;
    })());
    const { digest, size } = await store.write(source);
    assert.equal(size, 8 << 20);
    const sum = execFileSync('sha256sum', [store.path(digest)], { encoding: 'utf8' }).split(' ')[0];
    assert.equal(digest, `sha256:${sum}`);
    let read = 0;
    for await (const piece of store.createReadStream(digest)) read += (piece as Buffer).length;
    assert.equal(read, size);
  });

  it('refuses bytes that do not match the expected digest, and keeps nothing', async () => {
    const before = store.list().length;
    const wrong = `sha256:${'0'.repeat(64)}` as const;
    await assert.rejects(store.write(Buffer.from('something else'), wrong), (err: Error) => {
      assert.ok(err instanceof DigestMismatchError);
      assert.match(err.message, /^digest mismatch: expected sha256:0{64}, got sha256:[0-9a-f]{64}$/);
      return true;
    });
    assert.equal(store.list().length, before);
    assert.equal(store.has(wrong), false);
    assert.ok(ingestIsEmpty());
  });

  it('refuses a size that does not match', async () => {
    const bytes = Buffer.from('sized');
    const { digest } = await store.write(bytes);
    await store.delete(digest);
    await assert.rejects(store.write(bytes, { digest, size: 99 }), /size mismatch/);
    assert.equal(store.has(digest), false);
    assert.ok(ingestIsEmpty());
  });

  it('leaves nothing behind when the source fails mid-stream', async () => {
    const before = store.list().length;
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(4096, 1));
        this.destroy(new Error('connection reset'));
      },
    });
    await assert.rejects(store.write(failing), /connection reset/);
    assert.equal(store.list().length, before);
    assert.ok(ingestIsEmpty());
  });

  it('detects a blob corrupted on disk when reading it', async () => {
    const { digest } = await store.write(Buffer.from('precious'));
    writeFileSync(store.path(digest), 'tampered');
    await assert.rejects(store.read(digest), /is corrupt/);
    await store.delete(digest);
  });

  it('writes the same content twice, concurrently, as one blob', async () => {
    const bytes = Buffer.from('twice');
    const [a, b] = await Promise.all([store.write(bytes), store.write(bytes)]);
    assert.equal(a.digest, b.digest);
    assert.equal(readFileSync(store.path(a.digest), 'utf8'), 'twice');
    assert.equal(store.list().filter((d) => d === a.digest).length, 1);
  });

  it('deletes, and deleting twice is fine', async () => {
    const { digest } = await store.write(Buffer.from('doomed'));
    await store.delete(digest);
    await store.delete(digest);
    assert.equal(existsSync(store.path(digest)), false);
    await assert.rejects(store.read(digest), /blob not found/);
  });
});
