// Images travel both ways between Skiff and a real dockerd (started here on
// its own socket): what `docker save` wrote loads and runs in Skiff, and
// what Skiff's `save` wrote loads and runs in dockerd. The engine is driven
// as a user would, through its executable (SKIFF_ENGINE may name another).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { engineCommand } from '../helpers/executables.js';
import { startDockerd, tarDirectory, type Dockerd } from '../helpers/dockerd.js';
import { makeBusyboxRootfs, makeTempDir, removeTempDir } from '../helpers/rootfs.js';

describe('docker save / load round trip with a real dockerd', () => {
  let dockerd: Dockerd;
  let work: string;
  let root: string;
  let rootfsTar: string;

  const skiff = (args: string[]) => {
    const [cmd, ...prefix] = engineCommand();
    const result = spawnSync(cmd, [...prefix, '--root', root, ...args], { encoding: 'utf8', input: '', maxBuffer: 1 << 26 });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  const skiffOk = (args: string[]) => {
    const result = skiff(args);
    assert.equal(result.code, 0, `skiff-engine ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  /** What skopeo, an independent reader, sees in Skiff's store. */
  const skopeo = (args: string[]) => {
    const result = spawnSync('skopeo', args, { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    return JSON.parse(result.stdout);
  };

  before(async () => {
    work = makeTempDir();
    root = join(work, 'root');
    rootfsTar = tarDirectory(makeBusyboxRootfs(join(work, 'rootfs')), join(work, 'rootfs.tar'));
    dockerd = await startDockerd();
    // Two images made by dockerd itself: an imported rootfs, and a commit on
    // top of it that adds a file and deletes one (a whiteout in its layer).
    dockerd.docker(['import', '-c', 'CMD ["sh"]', '-c', 'ENV GREETING=hello-from-docker', rootfsTar, 'interop/busybox:v1']);
    dockerd.docker(['run', '--name', 'layered', '--network', 'none', 'interop/busybox:v1', 'sh', '-c', 'echo second > /layer2.txt && rm /etc/group']);
    dockerd.docker(['commit', 'layered', 'interop/busybox:two']);
    dockerd.docker(['rm', 'layered']);
  });

  after(async () => {
    await dockerd?.stop();
    removeTempDir(work);
  });

  it('loads what docker save wrote: same image ids, layers and config', () => {
    const archive = join(work, 'from-docker.tar');
    dockerd.docker(['save', '-o', archive, 'interop/busybox:v1', 'interop/busybox:two']);
    // One line per image, in the order of docker's manifest.json, which
    // dockerd does not keep stable from one save to the next.
    const loaded = skiffOk(['load', '-i', archive]).split('\n').filter(Boolean).sort();
    assert.deepEqual(loaded, ['Loaded image: interop/busybox:two', 'Loaded image: interop/busybox:v1']);

    for (const name of ['interop/busybox:v1', 'interop/busybox:two']) {
      const [docker] = JSON.parse(dockerd.docker(['image', 'inspect', name]).stdout);
      const ref = `oci:${join(root, 'images')}:docker.io/${name}`;
      const manifest = skopeo(['inspect', '--raw', ref]);
      assert.equal(manifest.config.digest, docker.Id, `${name}: the image id is docker's`);
      const config = skopeo(['inspect', '--config', ref]);
      assert.deepEqual(config.rootfs.diff_ids, docker.RootFS.Layers);
      assert.deepEqual(config.config.Cmd, docker.Config.Cmd);
      assert.deepEqual(config.config.Env, docker.Config.Env);
    }
    assert.equal(
      JSON.parse(skiffOk(['inspect', 'interop/busybox:two']))[0].Id,
      JSON.parse(dockerd.docker(['image', 'inspect', 'interop/busybox:two']).stdout)[0].Id,
    );
  });

  it('runs in Skiff what docker saved: layers in order, whiteout honoured, config applied', () => {
    assert.equal(skiffOk(['run', '--rm', 'interop/busybox:two', 'cat', '/layer2.txt']), 'second\n');
    assert.equal(skiffOk(['run', '--rm', 'interop/busybox:two', 'sh', '-c', 'test -e /etc/group || echo gone']), 'gone\n');
    assert.equal(skiffOk(['run', '--rm', 'interop/busybox:v1', 'sh', '-c', 'echo $GREETING']), 'hello-from-docker\n');
  });

  it('inspect and a refused rmi answer as dockerd does', () => {
    const name = 'interop/busybox:two';
    const [ours] = JSON.parse(skiffOk(['inspect', name]));
    const [theirs] = JSON.parse(dockerd.docker(['image', 'inspect', name]).stdout);
    for (const key of ['Id', 'RepoTags', 'RepoDigests', 'RootFS', 'Os', 'Architecture']) {
      assert.deepEqual(ours[key], theirs[key], key);
    }
    for (const key of ['Cmd', 'Env', 'Entrypoint', 'WorkingDir', 'User']) {
      assert.deepEqual(ours.Config[key], theirs.Config[key], `Config.${key}`);
    }

    // The last name of an image a stopped container uses: both refuse, in the same words.
    skiffOk(['import', rootfsTar, 'conflicted']);
    dockerd.docker(['import', rootfsTar, 'conflicted']);
    skiffOk(['run', '--name', 'user-of-it', 'conflicted', 'true']);
    dockerd.docker(['run', '--name', 'user-of-it', '--network', 'none', 'conflicted', 'true']);
    const ourError = skiff(['rmi', 'conflicted']);
    const theirError = dockerd.docker(['rmi', 'conflicted'], { allowFail: true });
    assert.equal(ourError.code, 1);
    assert.notEqual(theirError.status, 0);
    const words = (text: string) => text.replace(/^(Error: |Error response from daemon: )/, '').replace(/\b[0-9a-f]{12}\b/g, 'ID').trim();
    assert.equal(words(ourError.stderr), words(theirError.stderr));
    assert.match(words(ourError.stderr), /^conflict: unable to remove repository reference "conflicted" \(must force\)/);
    skiffOk(['rm', 'user-of-it']);
    skiffOk(['rmi', 'conflicted']);
    dockerd.docker(['rm', 'user-of-it']);
    dockerd.docker(['rmi', 'conflicted']);
  });

  it('saves what dockerd loads and runs', () => {
    // An image dockerd never had: imported by Skiff itself.
    const id = skiffOk(['import', rootfsTar, 'skiff-made:1']).trim();
    skiffOk(['tag', 'interop/busybox:two', 'localhost:5000/skiff/layered:v2']);
    const archive = join(work, 'from-skiff.tar');
    skiffOk(['save', '-o', archive, 'skiff-made:1', 'localhost:5000/skiff/layered:v2']);

    dockerd.docker(['rmi', 'interop/busybox:two', 'interop/busybox:v1']);
    const loaded = dockerd.docker(['load', '-i', archive]).stdout;
    assert.match(loaded, /Loaded image: skiff-made:1\n/);
    assert.match(loaded, /Loaded image: localhost:5000\/skiff\/layered:v2\n/);

    assert.equal(JSON.parse(dockerd.docker(['image', 'inspect', 'skiff-made:1']).stdout)[0].Id, id);
    assert.equal(dockerd.docker(['run', '--rm', '--network', 'none', 'skiff-made:1', 'echo', 'hi']).stdout, 'hi\n');
    assert.equal(
      dockerd.docker(['run', '--rm', '--network', 'none', 'localhost:5000/skiff/layered:v2', 'sh', '-c', 'cat /layer2.txt; test -e /etc/group || echo gone']).stdout,
      'second\ngone\n',
    );
  });
});
