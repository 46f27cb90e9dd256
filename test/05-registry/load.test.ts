// Under load and under SIGKILL: ten skopeo pushes at once, of the same image
// and of different ones, then ten pulls at once, leave every blob hashing to
// its name; a registry killed in the middle of uploads restarts with no
// corrupt blob and no half-written manifest or link, and takes the push again;
// an upload session outlives a restart and is checked from its file.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeTempDir, removeTempDir } from '../helpers/rootfs.ts';
import { http, makeOciLayout, startRegistry, storageProblems, type Registry } from './registry-lab.ts';

/** skopeo as a child process, so that ten can run at once. */
function skopeo(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn('skopeo', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('exit', (code) => done({ code, stderr }));
  });
}

describe('concurrent pushes and pulls', () => {
  let registry: Registry;
  let work: string;
  const layouts: { layout: string; ref: string }[] = [];
  before(async () => {
    work = makeTempDir();
    registry = await startRegistry();
    for (let i = 0; i < 5; i++) {
      layouts.push(await makeOciLayout(join(work, `image-${i}`), { note: `image ${i}`, extra: randomBytes(256 << 10) }));
    }
  });
  after(async () => {
    await registry.stop();
    removeTempDir(registry.storage);
    removeTempDir(work);
  });

  it('ten pushes at once: five of one image to one repository, five of different images', async () => {
    const pushes = [
      ...[0, 1, 2, 3, 4].map((i) => [`oci:${layouts[0]!.layout}:${layouts[0]!.ref}`, `docker://${registry.host}/same/image:t${i}`]),
      ...[0, 1, 2, 3, 4].map((i) => [`oci:${layouts[i]!.layout}:${layouts[i]!.ref}`, `docker://${registry.host}/different/image-${i}:latest`]),
    ];
    const results = await Promise.all(pushes.map(([src, dst]) => skopeo(['copy', '--quiet', '--dest-tls-verify=false', src!, dst!])));
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((await http(registry.url, 'GET', '/v2/same/image/tags/list')).json().tags, ['t0', 't1', 't2', 't3', 't4']);
    assert.deepEqual(storageProblems(registry.storage), []);
  });

  it('ten pulls at once get every layer intact', async () => {
    const pulls = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => {
      const src = i < 5 ? `docker://${registry.host}/same/image:t${i}` : `docker://${registry.host}/different/image-${i - 5}:latest`;
      return { dir: join(work, `pull-${i}`), src };
    });
    const results = await Promise.all(pulls.map(({ src, dir }) => skopeo(['copy', '--quiet', '--src-tls-verify=false', src, `dir:${dir}`])));
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    for (const { dir } of pulls) {
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      for (const layer of manifest.layers) {
        assert.equal(statSync(join(dir, layer.digest.slice(7))).size, layer.size);
      }
    }
    assert.deepEqual(storageProblems(registry.storage), []);
  });
});

describe('SIGKILL during uploads', () => {
  let work: string;
  let storage: string;
  let registry: Registry | undefined;
  before(() => {
    work = makeTempDir();
    storage = makeTempDir('skiff-registry-');
  });
  after(async () => {
    await registry?.stop('SIGKILL');
    removeTempDir(storage);
    removeTempDir(work);
  });

  /** Bytes in upload sessions right now. */
  const uploading = () => {
    const repos = join(storage, 'repositories', 'crash');
    if (!existsSync(repos)) return 0;
    let total = 0;
    for (const repo of readdirSync(repos)) {
      const uploads = join(repos, repo, '_uploads');
      for (const id of existsSync(uploads) ? readdirSync(uploads) : []) {
        try {
          total += statSync(join(uploads, id, 'data')).size;
        } catch {
          // closed meanwhile
        }
      }
    }
    return total;
  };

  it('restarts with a consistent storage and takes the push again', async () => {
    const images = [];
    for (let i = 0; i < 3; i++) images.push(await makeOciLayout(join(work, `big-${i}`), { note: `big ${i}`, extra: randomBytes(24 << 20) }));
    registry = await startRegistry({ storage });
    const pushes = images.map(({ layout, ref }, i) =>
      skopeo(['copy', '--quiet', '--dest-tls-verify=false', `oci:${layout}:${ref}`, `docker://${registry!.host}/crash/image-${i}:latest`]));
    for (let i = 0; i < 600 && uploading() < 4 << 20; i++) await sleep(10);
    assert.ok(uploading() > 0, 'uploads were under way when the registry was killed');
    await registry.stop('SIGKILL');
    const results = await Promise.all(pushes);
    assert.ok(results.some((r) => r.code !== 0), 'some push was cut off');
    assert.deepEqual(storageProblems(storage), [], 'no corrupt blob, no half-written link after the kill');

    registry = await startRegistry({ storage });
    for (const [i, { layout, ref }] of images.entries()) {
      const r = await skopeo(['copy', '--quiet', '--dest-tls-verify=false', `oci:${layout}:${ref}`, `docker://${registry.host}/crash/image-${i}:latest`]);
      assert.equal(r.code, 0, r.stderr);
      const pulled = await skopeo(['copy', '--quiet', '--src-tls-verify=false', `docker://${registry.host}/crash/image-${i}:latest`, `dir:${join(work, `back-${i}`)}`]);
      assert.equal(pulled.code, 0, pulled.stderr);
    }
    assert.deepEqual(storageProblems(storage), []);
  });
});

describe('an upload session across a restart', () => {
  let storage: string;
  let registry: Registry | undefined;
  before(() => (storage = makeTempDir('skiff-registry-')));
  after(async () => {
    await registry?.stop();
    removeTempDir(storage);
  });

  it('goes on where it stopped: the status says how far, the digest is checked from the file', async () => {
    const bytes = randomBytes(3 << 20);
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    registry = await startRegistry({ storage });
    const start = await http(registry.url, 'POST', '/v2/resume/me/blobs/uploads/');
    await http(registry.url, 'PATCH', start.headers.location!, { body: bytes.subarray(0, 1 << 20), headers: { 'Content-Range': `0-${(1 << 20) - 1}` } });
    await registry.stop();
    registry = await startRegistry({ storage });
    const status = await http(registry.url, 'GET', start.headers.location!);
    assert.equal(status.status, 204);
    assert.equal(status.headers.range, `0-${(1 << 20) - 1}`);
    await http(registry.url, 'PATCH', status.headers.location!, { body: bytes.subarray(1 << 20), headers: { 'Content-Range': `${1 << 20}-${bytes.length - 1}` } });
    const done = await http(registry.url, 'PUT', `${status.headers.location}?digest=${digest}`);
    assert.equal(done.status, 201);
    const back = await http(registry.url, 'GET', `/v2/resume/me/blobs/${digest}`);
    assert.ok(back.body.equals(bytes));
    assert.deepEqual(storageProblems(storage), []);
  });
});

describe('idle upload sessions', () => {
  let registry: Registry | undefined;
  after(async () => {
    await registry?.stop();
    if (registry) removeTempDir(registry.storage);
  });

  it('hold no open file between requests, and each goes on from its running hash', async () => {
    registry = await startRegistry();
    const pid = registry.process.pid!;
    const openUploads = () =>
      readdirSync(`/proc/${pid}/fd`).filter((fd) => {
        try {
          return readlinkSync(`/proc/${pid}/fd/${fd}`).includes('/_uploads/');
        } catch {
          return false; // closed while we looked
        }
      });
    const sessions = await Promise.all([...Array(20).keys()].map(async () => {
      const bytes = randomBytes(300_000);
      const start = await http(registry!.url, 'POST', '/v2/idle/sessions/blobs/uploads/');
      const first = await http(registry!.url, 'PATCH', start.headers.location!, { body: bytes.subarray(0, 100_000) });
      assert.equal(first.status, 202);
      return { bytes, location: first.headers.location! };
    }));
    assert.deepEqual(openUploads(), [], 'twenty sessions half-way, no file of theirs open');
    for (const { bytes, location } of sessions) {
      const next = await http(registry.url, 'PATCH', location, { body: bytes.subarray(100_000), headers: { 'Content-Range': `100000-${bytes.length - 1}` } });
      assert.equal(next.status, 202);
      const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
      const done = await http(registry.url, 'PUT', `${next.headers.location}?digest=${digest}`);
      assert.equal(done.status, 201, done.body.toString());
    }
    assert.deepEqual(openUploads(), []);
    assert.deepEqual(storageProblems(registry.storage), []);
  });
});
