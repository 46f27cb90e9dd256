// skiff-registry gc: what no manifest needs goes, what one needs stays, a
// dry run removes nothing, and collecting while pushes run never leaves a
// manifest naming a missing blob.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, removeTempDir } from '../helpers/rootfs.ts';
import { errorCode, http, makeOciLayout, registryCommand, run, startRegistry, storageProblems, type Registry } from './registry-lab.ts';

const sha = (bytes: string) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const gc = (storage: string, ...args: string[]) => {
  const [cmd, ...pre] = registryCommand();
  return run(cmd!, [...pre, 'gc', '--storage', storage, ...args]);
};
const blobsIn = (storage: string) => new Set(readdirSync(join(storage, 'images/blobs/sha256')).map((h) => `sha256:${h}`));
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

describe('skiff-registry gc', () => {
  let registry: Registry;
  let work: string;
  const manifestBlobs = async (name: string, tag: string) => {
    const m = await http(registry.url, 'GET', `/v2/${name}/manifests/${tag}`);
    const body = m.json();
    return { digest: m.headers['docker-content-digest'] as string, blobs: [body.config.digest, ...body.layers.map((l: { digest: string }) => l.digest)] as string[] };
  };
  before(async () => {
    work = makeTempDir();
    registry = await startRegistry();
    const a = await makeOciLayout(join(work, 'a'), { note: 'a' });
    const b = await makeOciLayout(join(work, 'b'), { note: 'b' });
    run('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `oci:${a.layout}:${a.ref}`, `docker://${registry.host}/keep/a:v1`]);
    run('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `oci:${b.layout}:${b.ref}`, `docker://${registry.host}/drop/b:v1`]);
  });
  after(async () => {
    await registry.stop();
    removeTempDir(registry.storage);
    removeTempDir(work);
  });

  // The two images share their busybox layer when both tars were made within
  // one second (same mtimes, same bytes), so what only b needs is computed.
  let onlyB: string[] = [];
  it('a dry run lists the blobs of a deleted manifest and removes nothing', async () => {
    const a = await manifestBlobs('keep/a', 'v1');
    const b = await manifestBlobs('drop/b', 'v1');
    onlyB = [b.digest, ...b.blobs.filter((d) => !a.blobs.includes(d))];
    assert.ok(onlyB.length >= 3, 'b has its own manifest, config and top layer');
    assert.equal((await http(registry.url, 'DELETE', `/v2/drop/b/manifests/${b.digest}`)).status, 202);
    const before = blobsIn(registry.storage);
    const out = gc(registry.storage, '--dry-run', '--grace-period', '0s').stdout;
    for (const d of onlyB) assert.match(out, new RegExp(`would remove blob ${d}`));
    assert.match(out, new RegExp(`would remove ${onlyB.length} blobs`));
    assert.deepEqual(blobsIn(registry.storage), before);
  });

  it('keeps young blobs within the grace period', () => {
    const out = gc(registry.storage).stdout;
    assert.match(out, /removed 0 blobs/);
  });

  it('removes them for real, with their links; what another manifest needs stays and pulls', async () => {
    const a = await manifestBlobs('keep/a', 'v1');
    const b = await manifestBlobs('drop/b', 'v1').catch(() => undefined);
    assert.equal(b, undefined);
    const out = gc(registry.storage, '--grace-period', '0s').stdout;
    assert.match(out, new RegExp(`removed ${onlyB.length} blobs`));
    const left = blobsIn(registry.storage);
    for (const d of [a.digest, ...a.blobs]) assert.ok(left.has(d), `${d} kept`);
    assert.equal(left.size, 1 + a.blobs.length);
    // b's links go with its blobs; a link to a layer it shares with a stays, as the blob does.
    const links = join(registry.storage, 'repositories/drop/b/_layers/sha256');
    const linked = existsSync(links) ? readdirSync(links).map((hex) => `sha256:${hex}`) : [];
    assert.deepEqual(linked.filter((d) => !a.blobs.includes(d)), [], 'no link to a removed blob');
    run('skopeo', ['copy', '--quiet', '--src-tls-verify=false', `docker://${registry.host}/keep/a:v1`, `dir:${join(work, 'pulled')}`]);
    assert.deepEqual(storageProblems(registry.storage), []);
  });

  it('while manifests naming old unreferenced blobs are pushed, never leaves one naming a missing blob', async () => {
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } });
    const old = new Date(Date.now() - 3 * 3600_000);
    let pushed = 0;
    for (let i = 0; i < 12; i++) {
      const layer = `old layer ${i}`;
      for (const bytes of [config, layer]) {
        const r = await http(registry.url, 'POST', `/v2/race/app/blobs/uploads/?digest=${sha(bytes)}`, { body: bytes });
        assert.equal(r.status, 201);
        utimesSync(join(registry.storage, 'images/blobs/sha256', sha(bytes).slice(7)), old, old); // uploaded hours ago
      }
      const manifest = JSON.stringify({
        schemaVersion: 2, mediaType: OCI_MANIFEST,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha(layer), size: layer.length }],
      });
      const [cmd, ...pre] = registryCommand();
      const collecting = new Promise<void>((done) =>
        spawn(cmd!, [...pre, 'gc', '--storage', registry.storage, '--grace-period', '1h'], { stdio: 'ignore' }).once('exit', () => done()));
      await new Promise((r) => setTimeout(r, i * 8)); // land the push at a different moment of the sweep each time
      const put = await http(registry.url, 'PUT', `/v2/race/app/manifests/t${i}`, { body: manifest, headers: { 'Content-Type': OCI_MANIFEST } });
      await collecting;
      if (put.status === 201) pushed++;
      else assert.equal(errorCode(put), 'MANIFEST_BLOB_UNKNOWN');
      assert.deepEqual(storageProblems(registry.storage), [], `round ${i}`);
    }
    assert.ok(pushed > 0, 'some pushes won the race');
  });

  it('refuses a bad grace period in one line', () => {
    const [cmd, ...pre] = registryCommand();
    const r = run(cmd!, [...pre, 'gc', '--storage', registry.storage, '--grace-period', 'soon'], { allowFail: true });
    assert.equal(r.status, 1);
    assert.equal(r.stderr, 'skiff-registry: invalid --grace-period soon: use a duration such as 30m\n');
  });
});
