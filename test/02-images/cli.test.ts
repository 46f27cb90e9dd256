// The shapes of skiff-engine's output, docker's: tables, ids, inspect JSON,
// rmi/tag/prune lines, save/load round trips, and error wording.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { EngineLab } from './engine-lab.ts';

let lab: EngineLab;
let busyboxId: string;

before(() => {
  lab = new EngineLab();
  busyboxId = lab.importBusybox();
  lab.ok(['build', '-t', 'shapes:1.0', lab.context('ctx', { Dockerfile: 'FROM busybox\nLABEL a=b\nCMD ["true"]\n' })]);
});

after(() => lab.close());

test('import prints the image id; images lists a docker-shaped table', () => {
  assert.match(busyboxId, /^sha256:[0-9a-f]{64}$/);
  const lines = lab.ok(['images']).trimEnd().split('\n');
  assert.match(lines[0], /^REPOSITORY {3,}TAG {3,}IMAGE ID {3,}CREATED {3,}SIZE$/);
  const row = lines.find((l) => l.startsWith('busybox '))!;
  assert.match(row, new RegExp(`^busybox\\s+latest\\s+${busyboxId.slice(7, 19)}\\s+(Less than a second|\\d+ seconds?) ago\\s+\\d+(\\.\\d+)?MB$`));
  assert.ok(lines.some((l) => /^shapes\s+1\.0\s+[0-9a-f]{12}\s/.test(l)));
  const quiet = lab.ok(['images', '-q']).trim().split('\n');
  assert.ok(quiet.every((id) => /^[0-9a-f]{12}$/.test(id)));
  assert.ok(quiet.includes(busyboxId.slice(7, 19)));
  assert.equal(lab.ok(['images', 'shapes']).trimEnd().split('\n').length, 2);
});

test('inspect prints a JSON array like docker image inspect; unknown images fail', () => {
  const [image] = JSON.parse(lab.ok(['inspect', 'shapes:1.0'])) as Array<Record<string, any>>;
  for (const key of ['Id', 'RepoTags', 'RepoDigests', 'Created', 'Config', 'RootFS', 'Architecture', 'Os', 'Size']) assert.ok(key in image, key);
  assert.deepEqual(image.RepoTags, ['shapes:1.0']);
  assert.deepEqual(image.RepoDigests, [], 'no registry has seen a built image');
  assert.deepEqual(image.Config.Labels, { a: 'b' });
  assert.equal(image.RootFS.Type, 'layers');
  assert.equal(image.Os, 'linux');
  const missing = lab.engine(['inspect', 'nope']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stdout.trim(), '[]');
  assert.equal(missing.stderr, 'Error: No such image: nope\n');
});

test('tag adds a name; rmi of one name untags, of the last deletes', () => {
  lab.ok(['tag', 'shapes:1.0', 'other/name:2']);
  const [image] = JSON.parse(lab.ok(['inspect', 'other/name:2'])) as Array<{ Id: string; RepoTags: string[] }>;
  assert.deepEqual(image.RepoTags.sort(), ['other/name:2', 'shapes:1.0']);
  assert.equal(lab.ok(['rmi', 'other/name:2']), 'Untagged: other/name:2\n');
  const out = lab.ok(['rmi', 'shapes:1.0']);
  assert.equal(out, `Untagged: shapes:1.0\nDeleted: ${image.Id}\n`);
  assert.equal(lab.engine(['rmi', 'shapes:1.0']).stderr, 'Error: No such image: shapes:1.0\n');
  assert.match(lab.engine(['tag', 'absent', 'x']).stderr, /No such image: absent/);
});

test('rmi refuses an image a stopped container uses, unless forced', () => {
  lab.ok(['tag', 'busybox', 'in-use']);
  lab.ok(['run', '--name', 'user-of-it', 'in-use', 'true']);
  lab.ok(['rmi', 'busybox']); // another name is left: only untags
  const refused = lab.engine(['rmi', 'in-use']);
  assert.equal(refused.code, 1);
  const container = lab.ok(['ps', '-a', '-q']).split('\n')[0];
  const [image] = JSON.parse(lab.ok(['inspect', 'in-use'])) as Array<{ Id: string }>;
  // Docker's words, with the name as typed (not `in-use:latest`).
  assert.equal(
    refused.stderr,
    `Error: conflict: unable to remove repository reference "in-use" (must force) - container ${container} is using its referenced image ${image.Id.slice(7, 19)}\n`,
  );
  lab.ok(['rm', 'user-of-it']);
  lab.ok(['tag', 'in-use', 'busybox']);
});

test('ps -a shows stopped containers in docker columns; rm prints the name', () => {
  assert.equal(lab.engine(['run', '--name', 'lister', 'busybox', 'sh', '-c', 'exit 4']).code, 4);
  const lines = lab.ok(['ps', '-a']).trimEnd().split('\n');
  assert.match(lines[0], /^CONTAINER ID {3,}IMAGE {3,}COMMAND {3,}CREATED {3,}STATUS {3,}PORTS {3,}NAMES$/);
  assert.match(lines.find((l) => l.includes('lister'))!, /^[0-9a-f]{12}\s+busybox\s+"sh -c 'exit 4'"\s+.* ago\s+Exited \(4\) .* ago\s+lister$/);
  assert.equal(lab.ok(['ps']).trimEnd().split('\n').length, 1); // none running
  assert.equal(lab.ok(['rm', 'lister']), 'lister\n');
});

test('save, rmi, load: the image comes back under its name and runs', () => {
  const archive = join(lab.dir, 'saved.tar');
  lab.ok(['tag', 'busybox', 'roundtrip:v1']);
  lab.ok(['save', '-o', archive, 'roundtrip:v1']);
  assert.ok(existsSync(archive));
  lab.ok(['rmi', 'roundtrip:v1']);
  assert.equal(lab.ok(['load', '-i', archive]), 'Loaded image: roundtrip:v1\n');
  assert.equal(lab.ok(['run', '--rm', 'roundtrip:v1', 'echo', 'back']), 'back\n');
  // and through stdin/stdout
  const viaStdout = lab.engine(['save', 'roundtrip:v1']);
  assert.equal(viaStdout.code, 0);
  assert.equal(readFileSync(archive).length > 0, true);
});

test('save --format oci writes an OCI layout archive that skopeo reads and load takes back', () => {
  const archive = join(lab.dir, 'saved-oci.tar');
  lab.ok(['tag', 'busybox', 'oci-trip:v1']);
  const [image] = JSON.parse(lab.ok(['inspect', 'oci-trip:v1'])) as Array<{ Id: string; RootFS: { Layers: string[] } }>;
  lab.ok(['save', '--format', 'oci', '-o', archive, 'oci-trip:v1']);
  const skopeo = (...args: string[]) => {
    const r = spawnSync('skopeo', args, { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  const manifest = skopeo('inspect', '--raw', `oci-archive:${archive}`);
  assert.equal(manifest.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  assert.equal(manifest.config.digest, image.Id, "skopeo finds our config: the image id");
  const summary = skopeo('inspect', `oci-archive:${archive}`);
  assert.equal(summary.Os, 'linux');
  assert.deepEqual(summary.Layers, image.RootFS.Layers, 'an imported layer is stored uncompressed: blob digest = DiffID');
  lab.ok(['rmi', 'oci-trip:v1']);
  assert.equal(lab.ok(['load', '-i', archive]), 'Loaded image: oci-trip:v1\n');
  assert.equal(lab.ok(['run', '--rm', 'oci-trip:v1', 'echo', 'oci']), 'oci\n');
  const bad = lab.engine(['save', '--format', 'zip', '-o', join(lab.dir, 'never.tar'), 'oci-trip:v1']);
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, 'Error: invalid format "zip": must be "docker" or "oci"\n');
  assert.equal(existsSync(join(lab.dir, 'never.tar')), false);
  lab.ok(['rmi', 'oci-trip:v1']);
});

test('image prune -f removes dangling images and reports the space', () => {
  const ctx = lab.context('ctx-prune', { Dockerfile: 'FROM busybox\nRUN echo 1 > /one\n' });
  lab.ok(['build', '-t', 'pruned', ctx]);
  lab.ok(['build', '--no-cache', '-t', 'pruned', ctx]); // the first image is now dangling
  assert.match(lab.ok(['images']), /^<none>\s+<none>\s+[0-9a-f]{12}/m);
  const out = lab.ok(['image', 'prune', '-f']);
  assert.match(out, /^Deleted Images:\ndeleted: sha256:[0-9a-f]{64}\n\nTotal reclaimed space: \d+(\.\d+)?[kM]?B\n$/);
  assert.doesNotMatch(lab.ok(['images']), /<none>/);
});

test('command-line mistakes exit as the docker CLI does: 125 for a flag, 1 for arguments or commands', () => {
  const alone = lab.engine([]);
  assert.equal(alone.code, 0, 'the command alone shows its usage');
  assert.match(alone.stdout, /^Usage: skiff-engine/);
  const cases: Array<[string[], number, RegExp]> = [
    [['images', '--bogus'], 125, /unknown option '--bogus'/],
    [['run', '--memory'], 125, /argument missing/],
    [['tag', 'busybox'], 1, /missing required argument/],
    [['run'], 1, /missing required argument 'image'/],
    [['bogus'], 1, /unknown command 'bogus'/],
  ];
  for (const [args, code, message] of cases) {
    const r = lab.engine(args);
    assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line for ${args.join(' ')}`);
  }
});
