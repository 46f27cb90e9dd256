// `skiff-engine load` of an archive whose layer would escape its snapshot:
// refused at load time — one line naming the entry, exit status 1 — and
// nothing of the archive kept: no blob, no name in index.json, no snapshot.
// Both archive formats, several ways to escape; an honest archive built the
// same way still loads and runs.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EngineLab } from './engine-lab.ts';
import { makeTar, sha256, type TarEntry } from './layer-fixtures.ts';

let lab: EngineLab;

before(() => {
  lab = new EngineLab();
  lab.importBusybox(); // a bystander image, and a store that is not empty
});
after(() => lab.close());

const configOf = (layers: Buffer[]) =>
  Buffer.from(JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: { Cmd: ['sh'] },
    rootfs: { type: 'layers', diff_ids: layers.map(sha256) },
  }));

const blobName = (bytes: Buffer) => `blobs/sha256/${sha256(bytes).slice(7)}`;

/** A `docker save` archive (docker 25 layout) of one image made of `layers`. */
async function dockerArchive(tag: string, layers: Buffer[]): Promise<Buffer> {
  const config = configOf(layers);
  return makeTar([
    ...layers.map((l) => ({ name: blobName(l), data: l })),
    { name: blobName(config), data: config },
    { name: 'manifest.json', data: JSON.stringify([{ Config: blobName(config), RepoTags: [tag], Layers: layers.map(blobName) }]) },
  ]);
}

/** An OCI layout archive of one image made of `layers`, named `name`. */
async function ociArchive(name: string, layers: Buffer[]): Promise<Buffer> {
  const config = configOf(layers);
  const descriptor = (mediaType: string, bytes: Buffer) => ({ mediaType, digest: sha256(bytes), size: bytes.length });
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: descriptor('application/vnd.oci.image.config.v1+json', config),
    layers: layers.map((l) => descriptor('application/vnd.oci.image.layer.v1.tar', l)),
  }));
  const index = {
    schemaVersion: 2,
    manifests: [{ ...descriptor('application/vnd.oci.image.manifest.v1+json', manifest), annotations: { 'org.opencontainers.image.ref.name': name } }],
  };
  return makeTar([
    { name: 'oci-layout', data: '{"imageLayoutVersion":"1.0.0"}' },
    ...[...layers, config, manifest].map((b) => ({ name: blobName(b), data: b })),
    { name: 'index.json', data: JSON.stringify(index) },
  ]);
}

/** Everything a load could leave behind: blobs, names, snapshots, staging directories. */
function storeState(): string {
  const list = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);
  return JSON.stringify({
    index: readFileSync(join(lab.root, 'images/index.json'), 'utf8'),
    blobs: list(join(lab.root, 'images/blobs/sha256')),
    ingest: list(join(lab.root, 'ingest')),
    snapshots: list(join(lab.root, 'snapshots')),
    staging: list(join(lab.root, 'snapshots/tmp')),
  });
}

// Two honest layers under the hostile one, so that a refusal comes after
// snapshots were already made, which must go again.
const honest: TarEntry[][] = [
  [{ name: 'etc/', type: 'directory' }, { name: 'etc/base', data: 'base\n' }],
  [{ name: 'app/', type: 'directory' }, { name: 'app/hello', data: 'hello\n' }],
];

const hostile: Array<{ what: string; entries: TarEntry[]; entry: string; reason: string }> = [
  { what: 'a "../" path', entries: [{ name: '../../escaped', data: 'x' }], entry: '../../escaped', reason: 'is a path with a ".." component' },
  { what: 'an absolute path', entries: [{ name: '/etc/escaped', data: 'x' }], entry: '/etc/escaped', reason: 'is an absolute path' },
  {
    what: 'a write through an absolute symlink',
    entries: [{ name: 'door', type: 'symlink', linkname: '/tmp' }, { name: 'door/escaped', data: 'x' }],
    entry: 'door/escaped',
    reason: 'goes through "door", which is a symlink',
  },
  {
    what: 'a hard link to a host file',
    entries: [{ name: 'passwd', type: 'link', linkname: '/etc/passwd' }],
    entry: 'passwd',
    reason: 'links to "/etc/passwd", which is an absolute path',
  },
  { what: 'a whiteout of ".."', entries: [{ name: 'a/.wh...', data: '' }], entry: 'a/.wh...', reason: 'whites out ".."' },
];

describe('load refuses an archive with a hostile layer, keeping nothing of it', () => {
  for (const [format, archiveOf] of [['docker save', dockerArchive], ['OCI layout', ociArchive]] as const) {
    for (const { what, entries, entry, reason } of hostile) {
      test(`${format}: ${what}`, async () => {
        const layers = [...(await Promise.all(honest.map((h) => makeTar(h)))), await makeTar(entries)];
        const file = join(lab.dir, 'hostile.tar');
        writeFileSync(file, await archiveOf('hostile:1', layers));
        const before = storeState();

        const r = lab.engine(['load', '-i', file]);
        assert.equal(r.code, 1);
        assert.equal(r.stdout, '');
        assert.equal(r.stderr, `Error: load failed: refusing layer: entry ${JSON.stringify(entry)} ${reason}\n`);
        assert.equal(storeState(), before, 'no blob, name or snapshot of the archive is left');
        assert.match(lab.engine(['inspect', 'hostile:1']).stderr, /No such image: hostile:1/);
      });
    }
  }

  test('the same archives with honest layers load, unpacked at load time, and run', async () => {
    for (const [format, archiveOf] of [['docker', dockerArchive], ['oci', ociArchive]] as const) {
      const busybox = readFileSync(lab.busyboxTar());
      const layers = [busybox, ...(await Promise.all(honest.map((h) => makeTar(h))))];
      const file = join(lab.dir, `honest-${format}.tar`);
      writeFileSync(file, await archiveOf(`honest:${format}`, layers));
      const snapshotsBefore = readdirSync(join(lab.root, 'snapshots')).length;
      assert.equal(lab.ok(['load', '-i', file]), `Loaded image: honest:${format}\n`);
      if (format === 'docker') {
        // Two new layers on the busybox one already unpacked: two new snapshots, made by load.
        assert.equal(readdirSync(join(lab.root, 'snapshots')).length, snapshotsBefore + 2);
      }
      assert.equal(lab.ok(['run', '--rm', `honest:${format}`, 'cat', '/etc/base', '/app/hello']), 'base\nhello\n');
    }
  });
});
