// Every endpoint of the Distribution Spec and every error code, over raw
// HTTP, in the order of the spec's conformance workflows: push, pull,
// content discovery, content management. Each assertion is on the wire:
// statuses, headers, and the spec's JSON error bodies.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { removeTempDir } from '../helpers/rootfs.ts';
import { errorCode, http, startRegistry, storageProblems, type Registry, type Reply } from './registry-lab.ts';

const sha = (bytes: Buffer | string) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';

describe('the Distribution API, endpoint by endpoint', () => {
  let registry: Registry;
  const req = (method: string, path: string, options: Parameters<typeof http>[3] = {}) => http(registry.url, method, path, options);
  before(async () => (registry = await startRegistry()));
  after(async () => {
    await registry.stop();
    removeTempDir(registry.storage);
  });

  /** Pushes a blob with POST + PUT and answers its digest. */
  async function pushBlob(name: string, bytes: Buffer | string): Promise<string> {
    const start = await req('POST', `/v2/${name}/blobs/uploads/`);
    assert.equal(start.status, 202);
    const digest = sha(bytes);
    const done = await req('PUT', `${start.headers.location}?digest=${digest}`, { body: bytes, headers: { 'Content-Type': 'application/octet-stream' } });
    assert.equal(done.status, 201, done.body.toString());
    return digest;
  }

  function manifestOf(config: string, configBytes: string, layers: { digest: string; size: number }[], extra: object = {}) {
    return JSON.stringify({
      schemaVersion: 2, mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: Buffer.byteLength(configBytes) },
      layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...l })),
      ...extra,
    });
  }

  const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } });
  const layer = Buffer.alloc(3000, 'layer bytes ');

  describe('push', () => {
    it('GET /v2/ answers 200 with the API version header', async () => {
      const r = await req('GET', '/v2/');
      assert.equal(r.status, 200);
      assert.equal(r.headers['docker-distribution-api-version'], 'registry/2.0');
      assert.equal((await req('GET', '/healthz')).status, 200);
    });

    it('monolithic: POST then PUT with the body', async () => {
      const digest = await pushBlob('push/mono', layer);
      const head = await req('HEAD', `/v2/push/mono/blobs/${digest}`);
      assert.equal(head.status, 200);
      assert.equal(head.headers['content-length'], String(layer.length));
      assert.equal(head.headers['docker-content-digest'], digest);
    });

    it('monolithic: one POST with ?digest= and the body', async () => {
      const bytes = Buffer.from('one post');
      const r = await req('POST', `/v2/push/single/blobs/uploads/?digest=${sha(bytes)}`, { body: bytes });
      assert.equal(r.status, 201);
      assert.equal(r.headers.location, `/v2/push/single/blobs/${sha(bytes)}`);
      assert.equal(r.headers['docker-content-digest'], sha(bytes));
      assert.equal((await req('GET', `/v2/push/single/blobs/${sha(bytes)}`)).body.toString(), 'one post');
    });

    it('chunked: PATCHes with Content-Range, status with GET, then PUT; out-of-order and repeated chunks are 416', async () => {
      const bytes = Buffer.from('0123456789abcdefghij');
      const start = await req('POST', '/v2/push/chunked/blobs/uploads/');
      assert.equal(start.headers.range, '0-0');
      let location = start.headers.location!;
      const first = await req('PATCH', location, { body: bytes.subarray(0, 10), headers: { 'Content-Range': '0-9', 'Content-Type': 'application/octet-stream' } });
      assert.equal(first.status, 202);
      assert.equal(first.headers.range, '0-9');
      location = first.headers.location!;
      const skipped = await req('PATCH', location, { body: bytes.subarray(15), headers: { 'Content-Range': '15-19' } });
      assert.equal(skipped.status, 416);
      assert.equal(errorCode(skipped), 'BLOB_UPLOAD_INVALID');
      const repeated = await req('PATCH', location, { body: bytes.subarray(0, 10), headers: { 'Content-Range': '0-9' } });
      assert.equal(repeated.status, 416);
      const status = await req('GET', location);
      assert.equal(status.status, 204);
      assert.equal(status.headers.range, '0-9');
      assert.ok(status.headers.location);
      const second = await req('PATCH', location, { body: bytes.subarray(10), headers: { 'Content-Range': '10-19' } });
      assert.equal(second.headers.range, '0-19');
      const done = await req('PUT', `${second.headers.location}?digest=${sha(bytes)}`);
      assert.equal(done.status, 201);
      assert.equal((await req('GET', `/v2/push/chunked/blobs/${sha(bytes)}`)).body.toString(), bytes.toString());
      assert.equal((await req('GET', location)).status, 404, 'the session is gone once closed');
    });

    it('a PATCH without Content-Range appends (skopeo, docker), and a PUT may carry the last chunk', async () => {
      const start = await req('POST', '/v2/push/stream/blobs/uploads/');
      const a = await req('PATCH', start.headers.location!, { body: 'hello ', headers: { 'Transfer-Encoding': 'chunked' } });
      assert.equal(a.headers.range, '0-5');
      const done = await req('PUT', `${a.headers.location}?digest=${sha('hello world')}`, { body: 'world' });
      assert.equal(done.status, 201);
    });

    it('a Content-Range that disagrees with the body length is refused', async () => {
      const start = await req('POST', '/v2/push/badrange/blobs/uploads/');
      const r = await req('PATCH', start.headers.location!, { body: 'abc', headers: { 'Content-Range': '0-9' } });
      assert.equal(r.status, 416);
      assert.equal((await req('GET', start.headers.location!)).headers.range, '0-0', 'nothing was written');
    });

    it('a wrong digest is DIGEST_INVALID and leaves no blob', async () => {
      const start = await req('POST', '/v2/push/wrong/blobs/uploads/');
      const claimed = sha('something else');
      const r = await req('PUT', `${start.headers.location}?digest=${claimed}`, { body: 'these bytes' });
      assert.equal(r.status, 400);
      assert.equal(errorCode(r), 'DIGEST_INVALID');
      assert.equal((await req('HEAD', `/v2/push/wrong/blobs/${claimed}`)).status, 404);
      assert.equal((await req('HEAD', `/v2/push/wrong/blobs/${sha('these bytes')}`)).status, 404);
      const chunked = await req('POST', '/v2/push/wrong/blobs/uploads/');
      await req('PATCH', chunked.headers.location!, { body: 'these bytes' });
      const r2 = await req('PUT', `${chunked.headers.location}?digest=${claimed}`);
      assert.equal(errorCode(r2), 'DIGEST_INVALID');
      assert.equal((await req('GET', chunked.headers.location!)).status, 404, 'a session that failed its check is removed');
      const single = await req('POST', `/v2/push/wrong/blobs/uploads/?digest=${claimed}`, { body: 'these bytes' });
      assert.equal(errorCode(single), 'DIGEST_INVALID');
      const malformed = await req('PUT', `${(await req('POST', '/v2/push/wrong/blobs/uploads/')).headers.location}?digest=sha256:xyz`, { body: 'x' });
      assert.equal(errorCode(malformed), 'DIGEST_INVALID');
      assert.deepEqual(storageProblems(registry.storage), []);
    });

    it('cancel: DELETE on a session ends it; unknown sessions are BLOB_UPLOAD_UNKNOWN', async () => {
      const start = await req('POST', '/v2/push/cancel/blobs/uploads/');
      await req('PATCH', start.headers.location!, { body: 'half' });
      assert.equal((await req('DELETE', start.headers.location!)).status, 204);
      const gone = await req('GET', start.headers.location!);
      assert.equal(gone.status, 404);
      assert.equal(errorCode(gone), 'BLOB_UPLOAD_UNKNOWN');
      assert.equal(errorCode(await req('PATCH', '/v2/push/cancel/blobs/uploads/not-a-session', { body: 'x' })), 'BLOB_UPLOAD_UNKNOWN');
      assert.equal(errorCode(await req('PUT', '/v2/push/cancel/blobs/uploads/00000000-0000-0000-0000-000000000000?digest=' + sha('x'))), 'BLOB_UPLOAD_UNKNOWN');
    });

    it('mount from another repository (201), and a fallback session when the source lacks the blob (202)', async () => {
      const digest = await pushBlob('mount/source', 'mounted bytes');
      const r = await req('POST', `/v2/mount/target/blobs/uploads/?mount=${digest}&from=mount/source`);
      assert.equal(r.status, 201);
      assert.equal(r.headers['docker-content-digest'], digest);
      assert.equal(r.headers.location, `/v2/mount/target/blobs/${digest}`);
      assert.equal((await req('GET', `/v2/mount/target/blobs/${digest}`)).body.toString(), 'mounted bytes');
      const missing = await req('POST', `/v2/mount/target/blobs/uploads/?mount=${sha('nope')}&from=mount/source`);
      assert.equal(missing.status, 202);
      assert.match(missing.headers.location!, /^\/v2\/mount\/target\/blobs\/uploads\//);
    });

    it('automatic mount: without from, a blob the registry has elsewhere is linked', async () => {
      const digest = await pushBlob('mount/auto-source', 'auto mounted');
      const r = await req('POST', `/v2/mount/auto-target/blobs/uploads/?mount=${digest}`);
      assert.equal(r.status, 201);
      assert.equal((await req('HEAD', `/v2/mount/auto-target/blobs/${digest}`)).status, 200);
    });

    it('manifests: PUT by tag and by digest, with Location and Docker-Content-Digest', async () => {
      const cfg = await pushBlob('img/app', config);
      const lay = await pushBlob('img/app', layer);
      const body = manifestOf(cfg, config, [{ digest: lay, size: layer.length }]);
      const r = await req('PUT', '/v2/img/app/manifests/v1', { body, headers: { 'Content-Type': OCI_MANIFEST } });
      assert.equal(r.status, 201, r.body.toString());
      assert.equal(r.headers['docker-content-digest'], sha(body));
      assert.equal(r.headers.location, `/v2/img/app/manifests/${sha(body)}`);
      assert.equal(r.headers['oci-subject'], undefined);
      const byDigest = await req('PUT', `/v2/img/app/manifests/${sha(body)}`, { body, headers: { 'Content-Type': OCI_MANIFEST } });
      assert.equal(byDigest.status, 201);
      const wrong = await req('PUT', `/v2/img/app/manifests/${sha('other')}`, { body, headers: { 'Content-Type': OCI_MANIFEST } });
      assert.equal(errorCode(wrong), 'DIGEST_INVALID');
    });

    it('a manifest naming a blob the repository lacks is MANIFEST_BLOB_UNKNOWN; bad ones are MANIFEST_INVALID', async () => {
      const cfg = await pushBlob('img/broken', config);
      const body = manifestOf(cfg, config, [{ digest: sha('never pushed'), size: 12 }]);
      const r = await req('PUT', '/v2/img/broken/manifests/v1', { body, headers: { 'Content-Type': OCI_MANIFEST } });
      assert.equal(r.status, 400);
      assert.equal(errorCode(r), 'MANIFEST_BLOB_UNKNOWN');
      // A blob that is in another repository only does not count.
      const elsewhere = await pushBlob('img/elsewhere', 'only elsewhere');
      const r2 = await req('PUT', '/v2/img/broken/manifests/v1', {
        body: manifestOf(cfg, config, [{ digest: elsewhere, size: 14 }]), headers: { 'Content-Type': OCI_MANIFEST },
      });
      assert.equal(errorCode(r2), 'MANIFEST_BLOB_UNKNOWN');
      for (const [bytes, type] of [
        ['not json', OCI_MANIFEST],
        [JSON.stringify({ schemaVersion: 2, layers: [] }), OCI_MANIFEST],
        [manifestOf(cfg, config, []), DOCKER_MANIFEST],
        [manifestOf(cfg, config, []), 'application/vnd.docker.distribution.manifest.v1+prettyjws'],
      ]) {
        const bad = await req('PUT', '/v2/img/broken/manifests/bad', { body: bytes, headers: { 'Content-Type': type! } });
        assert.equal(bad.status, 400, `${type}: ${bytes}`);
        assert.equal(errorCode(bad), 'MANIFEST_INVALID');
      }
      const huge = await req('PUT', '/v2/img/broken/manifests/huge', { body: Buffer.alloc(5 << 20, ' '), headers: { 'Content-Type': OCI_MANIFEST } });
      assert.equal(huge.status, 413);
      assert.equal(errorCode(huge), 'SIZE_INVALID');
      assert.equal((await req('GET', '/v2/img/broken/tags/list')).json().tags.length, 0);
    });

    it('an index is accepted once its manifests are in the repository; Docker types are stored as sent', async () => {
      const cfg = await pushBlob('img/multi', config);
      const child = manifestOf(cfg, config, []);
      const docker = JSON.stringify({ ...JSON.parse(child), mediaType: DOCKER_MANIFEST });
      const index = (digest: string, size: number, type: string) => JSON.stringify({
        schemaVersion: 2, mediaType: type,
        manifests: [{ mediaType: OCI_MANIFEST, digest, size, platform: { os: 'linux', architecture: 'amd64' } }],
      });
      const early = await req('PUT', '/v2/img/multi/manifests/all', { body: index(sha(child), child.length, OCI_INDEX), headers: { 'Content-Type': OCI_INDEX } });
      assert.equal(errorCode(early), 'MANIFEST_BLOB_UNKNOWN');
      await req('PUT', '/v2/img/multi/manifests/amd64', { body: child, headers: { 'Content-Type': OCI_MANIFEST } });
      const r = await req('PUT', '/v2/img/multi/manifests/all', { body: index(sha(child), child.length, OCI_INDEX), headers: { 'Content-Type': OCI_INDEX } });
      assert.equal(r.status, 201);
      const d = await req('PUT', '/v2/img/multi/manifests/docker', { body: docker, headers: { 'Content-Type': DOCKER_MANIFEST } });
      assert.equal(d.status, 201);
      const list = index(sha(docker), docker.length, DOCKER_LIST);
      assert.equal((await req('PUT', '/v2/img/multi/manifests/list', { body: list, headers: { 'Content-Type': DOCKER_LIST } })).status, 201);
      for (const [tag, type, body] of [['all', OCI_INDEX, null], ['docker', DOCKER_MANIFEST, docker], ['list', DOCKER_LIST, list]]) {
        const got = await req('GET', `/v2/img/multi/manifests/${tag}`);
        assert.equal(got.headers['content-type'], type);
        if (body) assert.equal(got.body.toString(), body, 'the exact bytes pushed');
      }
    });
  });

  describe('pull', () => {
    it('GET and HEAD a manifest by tag and by digest', async () => {
      const byTag = await req('GET', '/v2/img/app/manifests/v1');
      assert.equal(byTag.status, 200);
      assert.equal(byTag.headers['content-type'], OCI_MANIFEST);
      const digest = byTag.headers['docker-content-digest'] as string;
      assert.equal(sha(byTag.body), digest);
      const head = await req('HEAD', `/v2/img/app/manifests/${digest}`);
      assert.equal(head.status, 200);
      assert.equal(head.headers['content-length'], String(byTag.body.length));
      assert.equal(head.body.length, 0);
    });

    it('GET a blob, whole and by Range (206), and an unsatisfiable range is 416', async () => {
      const digest = sha(layer);
      const whole = await req('GET', `/v2/img/app/blobs/${digest}`);
      assert.equal(whole.status, 200);
      assert.equal(whole.headers['content-type'], 'application/octet-stream');
      assert.ok(whole.body.equals(layer));
      const part = await req('GET', `/v2/img/app/blobs/${digest}`, { headers: { Range: 'bytes=100-199' } });
      assert.equal(part.status, 206);
      assert.equal(part.headers['content-range'], `bytes 100-199/${layer.length}`);
      assert.ok(part.body.equals(layer.subarray(100, 200)));
      const tail = await req('GET', `/v2/img/app/blobs/${digest}`, { headers: { Range: 'bytes=2990-' } });
      assert.ok(tail.body.equals(layer.subarray(2990)));
      const beyond = await req('GET', `/v2/img/app/blobs/${digest}`, { headers: { Range: 'bytes=5000-' } });
      assert.equal(beyond.status, 416);
      assert.equal(beyond.headers['content-range'], `bytes */${layer.length}`);
    });

    it('a blob of several megabytes goes out whole and by ranges across buffer boundaries; a client hanging up mid-blob harms no one', async () => {
      const big = randomBytes(3 * 1024 * 1024 + 17);
      const digest = await pushBlob('img/big', big);
      const whole = await req('GET', `/v2/img/big/blobs/${digest}`);
      assert.equal(sha(whole.body), digest);
      const across = await req('GET', `/v2/img/big/blobs/${digest}`, { headers: { Range: `bytes=${(1 << 20) - 5}-${(2 << 20) + 4}` } });
      assert.equal(across.status, 206);
      assert.ok(across.body.equals(big.subarray((1 << 20) - 5, (2 << 20) + 5)));
      const tail = await req('GET', `/v2/img/big/blobs/${digest}`, { headers: { Range: `bytes=${3 << 20}-` } });
      assert.ok(tail.body.equals(big.subarray(3 << 20)));
      // Read the first bytes, then close the connection while the rest is still being sent.
      await new Promise<void>((done, fail) => {
        const url = new URL(registry.url);
        const r = httpRequest({ host: url.hostname, port: url.port, path: `/v2/img/big/blobs/${digest}`, agent: false }, (res) => {
          res.once('data', () => (res.destroy(), done()));
        });
        r.on('error', fail).end();
      });
      const again = await req('GET', `/v2/img/big/blobs/${digest}`);
      assert.equal(sha(again.body), digest);
    });

    it('unknown things: MANIFEST_UNKNOWN, BLOB_UNKNOWN, NAME_UNKNOWN', async () => {
      const m = await req('GET', '/v2/img/app/manifests/nope');
      assert.equal(m.status, 404);
      assert.equal(errorCode(m), 'MANIFEST_UNKNOWN');
      assert.equal(errorCode(await req('GET', `/v2/img/app/manifests/${sha('x')}`)), 'MANIFEST_UNKNOWN');
      const b = await req('GET', `/v2/img/app/blobs/${sha('x')}`);
      assert.equal(b.status, 404);
      assert.equal(errorCode(b), 'BLOB_UNKNOWN');
      assert.equal((await req('HEAD', `/v2/img/app/blobs/${sha('x')}`)).status, 404);
      const n = await req('GET', '/v2/no/such/repo/manifests/latest');
      assert.equal(n.status, 404);
      assert.equal(errorCode(n), 'NAME_UNKNOWN');
      assert.equal(errorCode(await req('GET', '/v2/no/such/repo/tags/list')), 'NAME_UNKNOWN');
      // Another repository's blob is not readable by digest through this one.
      assert.equal(errorCode(await req('GET', `/v2/push/single/blobs/${sha(layer)}`)), 'BLOB_UNKNOWN');
    });

    it('invalid names, references and path traversal are refused before touching the disk', async () => {
      const cases: [string, string, number, string][] = [
        ['GET', '/v2/UPPER/manifests/latest', 400, 'NAME_INVALID'],
        ['GET', '/v2/a/../../etc/manifests/latest', 400, 'NAME_INVALID'],
        ['GET', '/v2/%2e%2e/%2e%2e/manifests/latest', 400, 'NAME_INVALID'],
        ['GET', '/v2/a/%2F..%2F..%2Fx/manifests/latest', 400, 'NAME_INVALID'],
        ['GET', '/v2/a//b/manifests/latest', 400, 'NAME_INVALID'],
        ['POST', '/v2/-leading/blobs/uploads/', 400, 'NAME_INVALID'],
        ['GET', '/v2/img/app/manifests/..', 400, 'MANIFEST_INVALID'],
        ['GET', '/v2/img/app/manifests/%2e%2e%2f%2e%2e%2fx', 400, 'MANIFEST_INVALID'],
        ['GET', '/v2/img/app/manifests/sha256:..%2f..%2f', 400, 'DIGEST_INVALID'],
        ['GET', '/v2/img/app/blobs/..%2f..%2f..%2fetc%2fpasswd', 400, 'DIGEST_INVALID'],
        ['GET', '/v2/img/app/blobs/sha512:abcd', 400, 'DIGEST_INVALID'],
        ['GET', '/v2/img/app/blobs/uploads/..%2f..%2f_layers', 404, 'BLOB_UPLOAD_UNKNOWN'],
        ['PATCH', '/v2/img/app/blobs/uploads/../../x', 404, 'UNSUPPORTED'],
        ['PUT', `/v2/img/app/manifests/${'t'.repeat(129)}`, 400, 'MANIFEST_INVALID'],
      ];
      for (const [method, path, status, code] of cases) {
        const r: Reply = await req(method, path, { body: method === 'GET' ? undefined : '{}' });
        assert.equal(r.status, status, `${method} ${path}: ${r.body}`);
        assert.equal(errorCode(r), code, `${method} ${path}`);
      }
      assert.deepEqual(storageProblems(registry.storage), []);
    });

    it('unknown endpoints are 404 and wrong methods 405, in the spec error shape', async () => {
      assert.equal((await req('GET', '/v3/')).status, 404);
      const wrong = await req('PATCH', '/v2/img/app/manifests/v1', { body: '{}' });
      assert.equal(wrong.status, 405);
      assert.equal(errorCode(wrong), 'UNSUPPORTED');
    });
  });

  describe('content discovery', () => {
    it('tags list, sorted, with n and last and a Link to the next page', async () => {
      const cfg = await pushBlob('disc/tags', config);
      const body = manifestOf(cfg, config, []);
      for (const tag of ['b', 'a', 'c', 'd', 'B']) {
        await req('PUT', `/v2/disc/tags/manifests/${tag}`, { body, headers: { 'Content-Type': OCI_MANIFEST } });
      }
      assert.deepEqual((await req('GET', '/v2/disc/tags/tags/list')).json(), { name: 'disc/tags', tags: ['B', 'a', 'b', 'c', 'd'] });
      const first = await req('GET', '/v2/disc/tags/tags/list?n=2');
      assert.deepEqual(first.json().tags, ['B', 'a']);
      assert.equal(first.headers.link, '</v2/disc/tags/tags/list?n=2&last=a>; rel="next"');
      const next = await req('GET', '/v2/disc/tags/tags/list?n=2&last=a');
      assert.deepEqual(next.json().tags, ['b', 'c']);
      const lastPage = await req('GET', '/v2/disc/tags/tags/list?n=2&last=c');
      assert.deepEqual(lastPage.json().tags, ['d']);
      assert.equal(lastPage.headers.link, undefined);
      const none = await req('GET', '/v2/disc/tags/tags/list?n=0');
      assert.deepEqual(none.json().tags, []);
      assert.equal(none.headers.link, undefined);
      assert.equal(errorCode(await req('GET', '/v2/disc/tags/tags/list?n=-1')), 'PAGINATION_NUMBER_INVALID');
    });

    it('_catalog lists repositories, paginated', async () => {
      const all = (await req('GET', '/v2/_catalog')).json().repositories as string[];
      assert.ok(all.includes('img/app') && all.includes('disc/tags') && all.includes('mount/target'));
      assert.deepEqual([...all].sort(), all);
      const page = await req('GET', '/v2/_catalog?n=1');
      assert.deepEqual(page.json().repositories, [all[0]]);
      assert.match(page.headers.link as string, /rel="next"/);
    });

    it('referrers: OCI-Subject on push, the index of referrers, artifactType filter with OCI-Filters-Applied', async () => {
      const subject = (await req('GET', '/v2/img/app/manifests/v1')).headers['docker-content-digest'] as string;
      const empty = await pushBlob('img/app', '{}');
      const referrer = (type: string, note: string) => JSON.stringify({
        schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType: type,
        config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: empty, size: 2 },
        layers: [{ mediaType: 'application/vnd.oci.empty.v1+json', digest: empty, size: 2 }],
        subject: { mediaType: OCI_MANIFEST, digest: subject, size: 100 },
        annotations: { note },
      });
      const sig = referrer('application/vnd.example.signature', 'signed');
      const sbom = referrer('application/vnd.example.sbom', 'listed');
      for (const body of [sig, sbom]) {
        const r = await req('PUT', `/v2/img/app/manifests/${sha(body)}`, { body, headers: { 'Content-Type': OCI_MANIFEST } });
        assert.equal(r.status, 201);
        assert.equal(r.headers['oci-subject'], subject);
      }
      const all = await req('GET', `/v2/img/app/referrers/${subject}`);
      assert.equal(all.status, 200);
      assert.equal(all.headers['content-type'], OCI_INDEX);
      const index = all.json();
      assert.equal(index.manifests.length, 2);
      const found = index.manifests.find((m: { digest: string }) => m.digest === sha(sig));
      assert.deepEqual(found, { mediaType: OCI_MANIFEST, digest: sha(sig), size: sig.length, artifactType: 'application/vnd.example.signature', annotations: { note: 'signed' } });
      const filtered = await req('GET', `/v2/img/app/referrers/${subject}?artifactType=application/vnd.example.sbom`);
      assert.equal(filtered.headers['oci-filters-applied'], 'artifactType');
      assert.deepEqual(filtered.json().manifests.map((m: { digest: string }) => m.digest), [sha(sbom)]);
      const none = await req('GET', `/v2/img/app/referrers/${sha('nothing refers here')}`);
      assert.equal(none.status, 200);
      assert.deepEqual(none.json().manifests, []);
      assert.equal(errorCode(await req('GET', '/v2/img/app/referrers/sha256:nothex')), 'DIGEST_INVALID');
      // A subject that is not (yet) in the registry is accepted (spec: "Pushing Manifests with Subject").
      const orphan = JSON.stringify({ ...JSON.parse(sig), subject: { mediaType: OCI_MANIFEST, digest: sha('future'), size: 1 } });
      assert.equal((await req('PUT', '/v2/img/app/manifests/orphan-sig', { body: orphan, headers: { 'Content-Type': OCI_MANIFEST } })).status, 201);
      // Deleting a referrer takes it off its subject's list.
      assert.equal((await req('DELETE', `/v2/img/app/manifests/${sha(sbom)}`)).status, 202);
      assert.deepEqual((await req('GET', `/v2/img/app/referrers/${subject}`)).json().manifests.map((m: { digest: string }) => m.digest), [sha(sig)]);
    });
  });

  describe('content management', () => {
    it('DELETE a tag, then a manifest by digest: every tag naming it goes', async () => {
      const cfg = await pushBlob('mgmt/app', config);
      const body = manifestOf(cfg, config, []);
      for (const tag of ['one', 'two', 'three']) await req('PUT', `/v2/mgmt/app/manifests/${tag}`, { body, headers: { 'Content-Type': OCI_MANIFEST } });
      assert.equal((await req('DELETE', '/v2/mgmt/app/manifests/one')).status, 202);
      assert.equal(errorCode(await req('GET', '/v2/mgmt/app/manifests/one')), 'MANIFEST_UNKNOWN');
      assert.equal((await req('GET', '/v2/mgmt/app/manifests/two')).status, 200, 'other tags stay');
      assert.equal((await req('DELETE', `/v2/mgmt/app/manifests/${sha(body)}`)).status, 202);
      assert.deepEqual((await req('GET', '/v2/mgmt/app/tags/list')).json().tags, []);
      assert.equal(errorCode(await req('DELETE', `/v2/mgmt/app/manifests/${sha(body)}`)), 'MANIFEST_UNKNOWN');
    });

    it('DELETE a blob: the repository no longer has it; deleting again is BLOB_UNKNOWN', async () => {
      const digest = await pushBlob('mgmt/blobs', 'to delete');
      assert.equal((await req('DELETE', `/v2/mgmt/blobs/blobs/${digest}`)).status, 202);
      assert.equal((await req('HEAD', `/v2/mgmt/blobs/blobs/${digest}`)).status, 404);
      assert.equal(errorCode(await req('DELETE', `/v2/mgmt/blobs/blobs/${digest}`)), 'BLOB_UNKNOWN');
    });

    it('the storage is consistent after all of it', () => {
      assert.deepEqual(storageProblems(registry.storage), []);
    });
  });
});

describe('a registry with deletes disabled and a short upload life', () => {
  let registry: Registry;
  before(async () => (registry = await startRegistry({ config: { delete: false, uploads: { maxAge: '1s', purgeInterval: '200ms' } } })));
  after(async () => {
    await registry.stop();
    removeTempDir(registry.storage);
  });

  it('answers DELETE with 405 UNSUPPORTED', async () => {
    const r = await http(registry.url, 'DELETE', `/v2/a/b/manifests/${sha('x')}`);
    assert.equal(r.status, 405);
    assert.equal(errorCode(r), 'UNSUPPORTED');
    assert.equal(errorCode(await http(registry.url, 'DELETE', `/v2/a/b/blobs/${sha('x')}`)), 'UNSUPPORTED');
  });

  it('expires an upload abandoned half-way, and keeps one in use', async () => {
    const abandoned = await http(registry.url, 'POST', '/v2/slow/client/blobs/uploads/');
    await http(registry.url, 'PATCH', abandoned.headers.location!, { body: 'half a layer' });
    const active = await http(registry.url, 'POST', '/v2/slow/client/blobs/uploads/');
    for (let i = 0; i < 8; i++) {
      await http(registry.url, 'PATCH', active.headers.location!, { body: 'x' });
      await new Promise((r) => setTimeout(r, 300));
    }
    const gone = await http(registry.url, 'GET', abandoned.headers.location!);
    assert.equal(gone.status, 404);
    assert.equal(errorCode(gone), 'BLOB_UPLOAD_UNKNOWN');
    const kept = await http(registry.url, 'GET', active.headers.location!);
    assert.equal(kept.status, 204);
    assert.equal(kept.headers.range, '0-7');
  });
});
