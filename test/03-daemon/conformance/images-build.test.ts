// Images through the daemon: listing, tagging, removing, history, the legacy
// builder (`DOCKER_BUILDKIT=0 docker build`), and the ways images travel as
// files: save/load, import/export, and commit.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AGO, cells, ID12, ID64, IMAGE, lines, SIZE, startConformance, type Conformance } from './target.js';

/** The names in a tar archive, as GNU tar lists them. */
function tarNames(archive: string): string[] {
  const result = spawnSync('tar', ['-tf', archive], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(result.status, 0, result.stderr);
  return lines(result.stdout).map((name) => name.replace(/^\.\//, ''));
}

function tarFile(archive: string, name: string): string {
  const result = spawnSync('tar', ['-xOf', archive, name], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

describe('conformance: images and build', () => {
  let c: Conformance;
  let imageId: string;
  before(async () => {
    c = await startConformance();
    imageId = c.ok(['image', 'inspect', '--format', '{{.Id}}', IMAGE]).trim();
  });
  after(async () => {
    await c?.stop();
  });

  const idOf = (name: string) => c.ok(['image', 'inspect', '--format', '{{.Id}}', name]).trim();
  /** A one-file image whose layer no other image shares. */
  const importUnique = (name: string, content: string): string => {
    const dir = join(c.work, `unique-${content}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'file.txt'), content);
    const tar = join(c.work, `unique-${content}.tar`);
    const made = spawnSync('tar', ['-C', dir, '--numeric-owner', '-cf', tar, '.']);
    assert.equal(made.status, 0);
    return c.ok(['import', tar, name]).trim();
  };

  it('images lists repository, tag, short id, age and size; -q the ids', () => {
    const [header, ...rows] = lines(c.ok(['images']));
    assert.deepEqual(cells(header), ['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE']);
    assert.equal(rows.length, 1);
    const row = cells(rows[0]);
    assert.deepEqual(row.slice(0, 3), [IMAGE, 'latest', imageId.slice('sha256:'.length, 'sha256:'.length + 12)]);
    assert.match(row[3], new RegExp(`^${AGO} ago$`));
    assert.match(row[4], new RegExp(`^${SIZE}$`));
    assert.equal(c.ok(['images', '-q']), `${imageId.slice(7, 19)}\n`);
    assert.equal(c.ok(['images', '--no-trunc', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}']), `${IMAGE}:latest ${imageId}\n`);
  });

  it('tag adds names to the same image; an unknown source is refused', () => {
    assert.equal(c.ok(['tag', IMAGE, 'mybox:v1']), '');
    assert.equal(c.ok(['tag', `${IMAGE}:latest`, 'example.com/team/mybox:v2']), '');
    assert.equal(idOf('mybox:v1'), imageId);
    assert.equal(idOf('example.com/team/mybox:v2'), imageId);
    assert.deepEqual(
      lines(c.ok(['images', '--format', '{{.Repository}}:{{.Tag}}'])).sort(),
      [`${IMAGE}:latest`, 'example.com/team/mybox:v2', 'mybox:v1'],
    );
    assert.deepEqual(c.docker(['tag', 'nosuch', 'x:1']), { code: 1, stdout: '', stderr: 'Error response from daemon: No such image: nosuch:latest\n' });
  });

  it('rmi of one name among several only untags', () => {
    assert.equal(c.ok(['rmi', 'mybox:v1']), 'Untagged: mybox:v1\n');
    assert.equal(c.ok(['rmi', 'example.com/team/mybox:v2']), 'Untagged: example.com/team/mybox:v2\n');
    assert.equal(idOf(IMAGE), imageId);
  });

  it('rmi of the last name deletes the image and its own layer', () => {
    const id = importUnique('unique:1', 'one');
    const layer = c.ok(['image', 'inspect', '--format', '{{index .RootFS.Layers 0}}', 'unique:1']).trim();
    assert.equal(c.ok(['rmi', 'unique:1']), `Untagged: unique:1\nDeleted: ${id}\nDeleted: ${layer}\n`);
    assert.deepEqual(c.docker(['rmi', 'unique:1']), { code: 1, stdout: '', stderr: 'Error response from daemon: No such image: unique:1\n' });
    assert.deepEqual(c.docker(['rmi', 'nosuch']), { code: 1, stdout: '', stderr: 'Error response from daemon: No such image: nosuch:latest\n' });
  });

  it('rmi of the last name of an image a container uses is a conflict; -f deletes it anyway', () => {
    const id = importUnique('solo:1', 'two');
    c.ok(['create', '--name', 'user', 'solo:1', 'true']);
    const container = c.ok(['inspect', '--format', '{{.Id}}', 'user']).trim();
    const refused = c.docker(['rmi', 'solo:1']);
    assert.equal(refused.code, 1);
    assert.equal(
      refused.stderr,
      `Error response from daemon: conflict: unable to remove repository reference "solo:1" (must force) - container ${container.slice(0, 12)} is using its referenced image ${id.slice(7, 19)}\n`,
    );
    assert.equal(idOf('solo:1'), id);
    // Forced, the image goes although a stopped container was made from it
    // (its layer stays, under the container's own); the container remains.
    assert.equal(c.ok(['rmi', '-f', 'solo:1']), `Untagged: solo:1\nDeleted: ${id}\n`);
    assert.equal(c.docker(['image', 'inspect', id]).code, 1);
    assert.equal(c.ok(['inspect', '--format', '{{.Image}}', 'user']), `${id}\n`);
    assert.equal(c.ok(['rm', 'user']), 'user\n');
  });

  it('history of an imported image: one row, "Imported from -"', () => {
    const [header, ...rows] = lines(c.ok(['history', IMAGE]));
    assert.deepEqual(cells(header), ['IMAGE', 'CREATED', 'CREATED BY', 'SIZE', 'COMMENT']);
    assert.equal(rows.length, 1);
    assert.equal(c.ok(['history', '--format', '{{.ID}}|{{.CreatedBy}}|{{.Comment}}', IMAGE]), `${imageId.slice(7, 19)}||Imported from -\n`);
  });

  describe('DOCKER_BUILDKIT=0 docker build', () => {
    const build = (args: string[]) => c.docker(['build', ...args], { env: { DOCKER_BUILDKIT: '0' } });
    let context: string;
    const steps = [
      'FROM busybox',
      'ARG GREETING=hello',
      'ENV APP_GREETING=$GREETING',
      'WORKDIR /app',
      'RUN echo "$APP_GREETING from build" > /app/msg.txt',
      'CMD ["cat", "/app/msg.txt"]',
    ];
    /** The image id after each step of the first build, to compare the cached one with. */
    let firstIds: string[];

    before(() => {
      context = join(c.work, 'context');
      mkdirSync(context);
      writeFileSync(join(context, 'Dockerfile'), `${steps.join('\n')}\n`);
    });

    /**
     * Reads the legacy builder's transcript into steps, checking its shape:
     * "Step i/N : INSTRUCTION", maybe " ---> Running in ID" + output +
     * "Removing intermediate container ID", then " ---> ID"; at the end
     * "Successfully built ID" and "Successfully tagged NAME".
     */
    function parseTranscript(stdout: string, tag: string) {
      const out = lines(stdout);
      // The CLI's own upload progress line, carriage returns and all.
      assert.match(out[0], new RegExp(`^Sending build context to Docker daemon  ${SIZE}\r\r$`));
      const parsed: { instruction: string; body: string[]; id: string }[] = [];
      let i = 1;
      for (let n = 1; n <= steps.length; n++) {
        assert.equal(out[i++], `Step ${n}/${steps.length} : ${steps[n - 1]}`);
        const body: string[] = [];
        while (!/^ ---> [0-9a-f]{12}$/.test(out[i])) body.push(out[i++]);
        parsed.push({ instruction: steps[n - 1], body, id: out[i++].slice(6) });
      }
      assert.deepEqual(out.slice(i), [`Successfully built ${parsed.at(-1)!.id}`, `Successfully tagged ${tag}`]);
      return parsed;
    }

    it('builds step by step: RUN in an intermediate container, ENV/WORKDIR/CMD as config, --build-arg', () => {
      const result = build(['-t', 'built:1', '--build-arg', 'GREETING=howdy', context]);
      assert.equal(result.code, 0, result.stderr);
      const parsed = parseTranscript(result.stdout, 'built:1');
      assert.deepEqual(parsed[0].body, []);
      assert.equal(parsed[0].id, imageId.slice(7, 19));
      const run = parsed[4].body;
      assert.match(run[0], new RegExp(`^ ---> Running in (${ID12})$`));
      assert.equal(run.at(-1), `Removing intermediate container ${run[0].slice(-12)}`);
      assert.equal(run.length, 2, 'the RUN printed nothing');
      // dockerd 20.10 also runs a container for each config-only step
      // (" ---> Running in" / "Removing intermediate container"); printing
      // nothing there is the other shape the docker CLI shows.
      for (const step of [parsed[1], parsed[2], parsed[3], parsed[5]]) {
        assert.ok(step.body.length === 0 || (step.body.length === 2 && step.body[0].startsWith(' ---> Running in ')), `${step.instruction}: ${step.body}`);
      }
      firstIds = parsed.map((step) => step.id);
      assert.equal(idOf('built:1').slice(7, 19), firstIds.at(-1));

      assert.equal(c.ok(['run', '--rm', 'built:1']), 'howdy from build\n');
      assert.equal(c.ok(['image', 'inspect', '--format', '{{json .Config.Env}} {{.Config.WorkingDir}} {{json .Config.Cmd}}', 'built:1']),
        // The legacy builder adds the default PATH when the base image has no Env.
        '["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","APP_GREETING=howdy"] /app ["cat","/app/msg.txt"]\n');
      // No intermediate container is left behind.
      assert.equal(c.ok(['ps', '-aq']), '');
    });

    it('records a history row for every instruction, in the legacy builder\'s words', () => {
      assert.deepEqual(lines(c.ok(['history', '--no-trunc', '--format', '{{.CreatedBy}}|{{.Size}}', 'built:1'])), [
        '/bin/sh -c #(nop)  CMD ["cat" "/app/msg.txt"]|0B',
        '|1 GREETING=howdy /bin/sh -c echo "$APP_GREETING from build" > /app/msg.txt|17B',
        '/bin/sh -c #(nop) WORKDIR /app|0B',
        '/bin/sh -c #(nop)  ENV APP_GREETING=howdy|0B',
        '/bin/sh -c #(nop)  ARG GREETING=hello|0B',
        `|${c.ok(['history', '--format', '{{.Size}}', IMAGE]).trim()}`,
      ]);
    });

    it('a second build takes every step from the cache; --no-cache runs them again', () => {
      const cached = build(['-t', 'built:1', '--build-arg', 'GREETING=howdy', context]);
      assert.equal(cached.code, 0, cached.stderr);
      const parsed = parseTranscript(cached.stdout, 'built:1');
      for (const step of parsed.slice(1)) assert.deepEqual(step.body, [' ---> Using cache'], step.instruction);
      assert.deepEqual(parsed.map((step) => step.id), firstIds);

      // Without the build argument the ARG default applies.
      const fresh = build(['--no-cache', '-t', 'built:2', context]);
      assert.equal(fresh.code, 0, fresh.stderr);
      const again = parseTranscript(fresh.stdout, 'built:2');
      assert.ok(!fresh.stdout.includes('Using cache'));
      assert.match(again[4].body[0], / ---> Running in /);
      assert.notEqual(again.at(-1)!.id, firstIds.at(-1));
      assert.equal(c.ok(['run', '--rm', 'built:2']), 'hello from build\n');
    });

    it('a failing RUN stops the build with the command\'s exit code', () => {
      const bad = join(c.work, 'bad');
      mkdirSync(bad);
      writeFileSync(join(bad, 'Dockerfile'), 'FROM busybox\nRUN echo before && exit 7\n');
      const result = build(['-t', 'bad:1', bad]);
      assert.equal(result.code, 7);
      assert.match(result.stdout, /^Step 2\/2 : RUN echo before && exit 7\n ---> Running in [0-9a-f]{12}\nbefore\n$/m);
      assert.ok(!result.stdout.includes('Successfully'));
      assert.match(result.stderr, /^The command '\/bin\/sh -c echo before && exit 7' returned a non-zero code: 7$/m);
      assert.equal(c.docker(['image', 'inspect', 'bad:1']).code, 1);
      // A Dockerfile that does not parse is refused before any step runs.
      writeFileSync(join(bad, 'Dockerfile'), 'FROB busybox\n');
      const parse = build([bad]);
      assert.equal(parse.code, 1);
      assert.match(parse.stderr, /^Error response from daemon: dockerfile parse error line 1: unknown instruction: FROB$/mi);
      // dockerd keeps the failed RUN's container; whatever is left goes now.
      const left = lines(c.ok(['ps', '-aq']));
      if (left.length > 0) c.ok(['rm', ...left]);
    });
  });

  it('save writes a docker archive; load reads it back, from a file or stdin', () => {
    const archive = join(c.work, 'built.tar');
    assert.equal(c.ok(['save', '-o', archive, 'built:1']), '');
    const names = tarNames(archive);
    assert.ok(names.includes('manifest.json'), names.join(' '));
    const [manifest, ...others] = JSON.parse(tarFile(archive, 'manifest.json'));
    assert.deepEqual(others, []);
    assert.deepEqual(manifest.RepoTags, ['built:1']);
    assert.ok(names.includes(manifest.Config), manifest.Config);
    for (const layer of manifest.Layers) assert.ok(names.includes(layer), layer);
    assert.equal(manifest.Layers.length, JSON.parse(c.ok(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', 'built:1'])).length);

    const id = idOf('built:1');
    c.ok(['rmi', 'built:1']);
    assert.equal(c.ok(['load', '-i', archive]), 'Loaded image: built:1\n');
    assert.equal(idOf('built:1'), id);
    assert.equal(c.ok(['run', '--rm', 'built:1']), 'howdy from build\n');
    // Loading what is already there says so again, and changes nothing.
    assert.equal(c.ok(['load'], { input: readFileSync(archive) }), 'Loaded image: built:1\n');
    assert.equal(idOf('built:1'), id);
  });

  it('save of an unknown image fails and writes no file; load of garbage fails', () => {
    const archive = join(c.work, 'nothing.tar');
    const result = c.docker(['save', '-o', archive, 'nosuch:1']);
    assert.equal(result.code, 1);
    // dockerd 20.10 says "reference does not exist".
    assert.match(result.stderr, /^Error response from daemon: .+\n$/);
    assert.equal(existsSync(archive), false);

    const before = lines(c.ok(['images', '-aq'])).sort();
    const garbage = join(c.work, 'garbage.tar');
    writeFileSync(garbage, 'this is not a tar archive\n');
    const loaded = c.docker(['load', '-i', garbage]);
    assert.equal(loaded.code, 1);
    assert.equal(loaded.stdout, '');
    assert.equal(lines(loaded.stderr).length, 1);
    assert.deepEqual(lines(c.ok(['images', '-aq'])).sort(), before);
  });

  it('export writes the container filesystem as a tar; import makes an image of it with -c and -m', () => {
    c.ok(['run', '--name', 'exported', IMAGE, 'sh', '-c', 'echo changed > /changed.txt']);
    const archive = join(c.work, 'exported.tar');
    assert.equal(c.ok(['export', '-o', archive, 'exported']), '');
    const names = tarNames(archive);
    for (const name of ['bin/busybox', 'changed.txt', 'etc/passwd', '.dockerenv']) assert.ok(names.includes(name), name);
    assert.equal(tarFile(archive, 'changed.txt'), 'changed\n');
    // To stdout, the same archive.
    const piped = c.docker(['export', 'exported']);
    assert.equal(piped.code, 0);
    assert.ok(piped.stdout.length > 1_000_000);
    c.ok(['rm', 'exported']);

    const id = c.ok(['import', '-c', 'ENV X=1', '-c', 'CMD ["cat", "/changed.txt"]', '-m', 'my message', archive, 'imported:1']);
    assert.match(id, new RegExp(`^sha256:${ID64}\n$`));
    assert.equal(c.ok(['image', 'inspect', '--format', '{{json .Config.Env}} {{json .Config.Cmd}}', 'imported:1']), '["X=1"] ["cat","/changed.txt"]\n');
    assert.equal(c.ok(['history', '--format', '{{.Comment}}', 'imported:1']), 'my message\n');
    assert.equal(c.ok(['run', '--rm', 'imported:1']), 'changed\n');
    // From stdin.
    const fromStdin = c.ok(['import', '-', 'imported:2'], { input: readFileSync(archive) });
    assert.match(fromStdin, new RegExp(`^sha256:${ID64}\n$`));
    assert.equal(c.ok(['run', '--rm', 'imported:2', 'cat', '/changed.txt']), 'changed\n');
  });

  it('commit makes an image of a running container\'s changes (pausing it meanwhile), with -c, -m and -a', () => {
    c.ok(['run', '-d', '--name', 'workbench', IMAGE, 'sh', '-c', 'echo made > /made.txt; sleep 60']);
    c.ok(['exec', 'workbench', 'test', '-e', '/made.txt']);
    const plain = c.ok(['commit', 'workbench', 'committed:1']);
    assert.match(plain, new RegExp(`^sha256:${ID64}\n$`));
    const id = c.ok(['commit', '-c', 'CMD ["cat", "/made.txt"]', '-m', 'msg', '-a', 'me', 'workbench', 'committed:2']);
    assert.match(id, new RegExp(`^sha256:${ID64}\n$`));
    assert.equal(c.ok(['inspect', '--format', '{{.State.Status}}', 'workbench']), 'running\n');

    assert.equal(c.ok(['run', '--rm', 'committed:2']), 'made\n');
    assert.equal(c.ok(['image', 'inspect', '--format', '{{json .Config.Cmd}}|{{.Author}}|{{.Comment}}', 'committed:2']), '["cat","/made.txt"]|me|msg\n');
    // Without -c the container's own command becomes the image's.
    assert.equal(c.ok(['image', 'inspect', '--format', '{{json .Config.Cmd}}', 'committed:1']), '["sh","-c","echo made > /made.txt; sleep 60"]\n');
    const history = lines(c.ok(['history', '--format', '{{.CreatedBy}}|{{.Comment}}', 'committed:2']));
    assert.deepEqual(history, ['sh -c echo made > /made.txt; sleep 60|msg', '|Imported from -']);
    c.ok(['rm', '-f', 'workbench']);
  });

  it('image prune removes dangling images only', () => {
    assert.deepEqual(c.docker(['image', 'prune', '-f']), { code: 0, stdout: 'Total reclaimed space: 0B\n', stderr: '' });
    // Importing again under a taken name leaves the old image dangling.
    const old = importUnique('churn:1', 'three');
    const oldLayer = c.ok(['image', 'inspect', '--format', '{{index .RootFS.Layers 0}}', old]).trim();
    const current = importUnique('churn:1', 'four');
    assert.equal(c.ok(['images', '--filter', 'dangling=true', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}']), `<none>:<none> ${old.slice(7, 19)}\n`);
    const out = lines(c.ok(['image', 'prune', '-f']));
    assert.deepEqual(out.slice(0, -1), ['Deleted Images:', `deleted: ${old}`, `deleted: ${oldLayer}`, '']);
    assert.match(out.at(-1)!, new RegExp(`^Total reclaimed space: ${SIZE}$`));
    assert.equal(c.docker(['image', 'inspect', old]).code, 1);
    assert.equal(idOf('churn:1'), current);
  });
});
