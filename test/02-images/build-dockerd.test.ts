// The same Dockerfiles built by Skiff and by a real dockerd's legacy builder
// (DOCKER_BUILDKIT=0, a private daemon started here): the config fields
// they record (Cmd, Entrypoint, Env, Shell, StopSignal, Healthcheck,
// OnBuild), every history row, the number of layers, and what the images
// hold when run, must be the same. Multi-stage builds, SHELL, STOPSIGNAL,
// HEALTHCHECK and ONBUILD, each checked against the real thing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { engineCommand } from '../helpers/executables.ts';
import { startDockerd, tarDirectory, type Dockerd } from '../helpers/dockerd.ts';
import { makeBusyboxRootfs, makeTempDir, removeTempDir } from '../helpers/rootfs.ts';

// The legacy builder, which records what Skiff's builder imitates.
process.env.DOCKER_BUILDKIT = '0';

const CONFIG_KEYS = ['Cmd', 'Entrypoint', 'Env', 'Shell', 'StopSignal', 'Healthcheck', 'OnBuild', 'WorkingDir', 'User', 'Labels'];

describe('builds compared with dockerd\'s legacy builder', () => {
  let dockerd: Dockerd;
  let work: string;
  let root: string;

  const skiff = (args: string[]) => {
    const [cmd, ...prefix] = engineCommand();
    const r = spawnSync(cmd, [...prefix, '--root', root, ...args], { encoding: 'utf8', input: '', maxBuffer: 1 << 26 });
    assert.equal(r.status, 0, `skiff-engine ${args.join(' ')}: ${r.stdout}${r.stderr}`);
    return r.stdout;
  };

  /** A build context on disk: { Dockerfile: '…', 'a.txt': '…' }. */
  const context = (name: string, files: Record<string, string>): string => {
    const dir = join(work, name);
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    return dir;
  };

  /** Builds `dir` with both, tagged `tag`; answers both outputs. */
  const buildBoth = (tag: string, dir: string, args: string[] = []) => ({
    docker: dockerd.docker(['build', ...args, '-t', tag, dir]).stdout,
    skiff: skiff(['build', ...args, '-t', tag, dir]),
  });

  const configOf = (inspected: { Config: Record<string, unknown> }) =>
    Object.fromEntries(CONFIG_KEYS.map((k) => [k, inspected.Config[k] ?? null]));

  /** The fields both record, the history rows (COPY's content hash aside) and the layer count. */
  const recorded = (tag: string) => {
    const [docker] = JSON.parse(dockerd.docker(['image', 'inspect', tag]).stdout);
    const [ours] = JSON.parse(skiff(['inspect', tag]));
    const oursHistory = skopeoHistory(join(root, 'images'), tag);
    const dockerHistory = dockerd.docker(['history', '--no-trunc', '--format', '{{.CreatedBy}}', tag]).stdout.replace(/\n$/, '').split('\n');
    return {
      docker: { config: configOf(docker), history: dockerHistory.map(sameHash), layers: docker.RootFS.Layers.length },
      skiff: { config: configOf(ours), history: oursHistory.map(sameHash), layers: ours.RootFS.Layers.length },
    };
  };

  /** What running `command` in the image prints, on both (whatever its entrypoint). */
  const runBoth = (tag: string, command: string) => ({
    docker: dockerd.docker(['run', '--rm', '--network', 'none', '--entrypoint', 'sh', tag, '-c', command]).stdout,
    skiff: skiff(['run', '--rm', '--entrypoint', 'sh', tag, '-c', command]),
  });

  before(async () => {
    work = makeTempDir('skiff-build-dockerd-');
    root = join(work, 'root');
    const rootfsTar = tarDirectory(makeBusyboxRootfs(join(work, 'rootfs')), join(work, 'rootfs.tar'));
    dockerd = await startDockerd();
    dockerd.docker(['import', rootfsTar, 'busybox:latest']);
    skiff(['import', rootfsTar, 'busybox:latest']);
  });

  after(async () => {
    await dockerd?.stop();
    removeTempDir(work);
  });

  it('SHELL, STOPSIGNAL, HEALTHCHECK and ONBUILD: the same config and the same history rows', () => {
    const dir = context('runtime-config', {
      Dockerfile: [
        'FROM busybox',
        'SHELL ["/bin/sh", "-xc"]',
        'RUN echo ran > /ran',
        'CMD echo from-cmd',
        'ENTRYPOINT echo from-entrypoint',
        'ENV SIGNAL=sigusr1',
        'STOPSIGNAL $SIGNAL',
        'HEALTHCHECK --interval=1h30m --timeout=1.5s --start-period=250ms --retries=4 CMD wget -q -O- "http://localhost/$PATH"',
        'HEALTHCHECK --retries=65 CMD ["true", "a b"]',
        'ONBUILD ARG FLAVOUR=plain',
        'onbuild  run   echo  "triggered $FLAVOUR" > /triggered',
        'ONBUILD COPY app.txt /app/',
      ].join('\n'),
    });
    buildBoth('runtime-config', dir);
    const { docker, skiff: ours } = recorded('runtime-config');
    assert.deepEqual(ours, docker);
    // The facts themselves, so that a dockerd recording something else would be noticed here.
    assert.deepEqual(docker.config.Healthcheck, {
      Test: ['CMD', 'true', 'a b'], Interval: 5_400_000_000_000, Timeout: 1_500_000_000, StartPeriod: 250_000_000, Retries: 65,
    });
    assert.equal(docker.history[3], '/bin/sh -xc #(nop)  HEALTHCHECK &{["CMD" "true" "a b"] "0s" "0s" "0s" \'A\'}');
  });

  it('HEALTHCHECK NONE keeps what the daemon\'s merge keeps', () => {
    const dir = context('health-none', { Dockerfile: 'FROM busybox\nHEALTHCHECK --retries=7 --timeout=4s CMD true\nHEALTHCHECK NONE\n' });
    buildBoth('health-none', dir);
    const { docker, skiff: ours } = recorded('health-none');
    assert.deepEqual(ours, docker);
    assert.deepEqual(docker.config.Healthcheck, { Test: ['NONE'], Timeout: 4_000_000_000, Retries: 7 });
  });

  it('ONBUILD triggers fire in the child build on both, and the child records the same', () => {
    const dir = context('onbuild-child', {
      Dockerfile: 'FROM runtime-config\nRUN cat /triggered /app/app.txt > /seen\nONBUILD RUN echo grandchild\n',
      'app.txt': 'from the child context\n',
    });
    const out = buildBoth('onbuild-child', dir);
    for (const text of [out.docker, out.skiff]) assert.match(text, /Step 1\/3 : FROM runtime-config\n# Executing 3 build triggers\n/);
    const { docker, skiff: ours } = recorded('onbuild-child');
    assert.deepEqual(ours, docker);
    assert.deepEqual(docker.config.OnBuild, ['RUN echo grandchild']);
    const seen = runBoth('onbuild-child', 'cat /seen');
    assert.equal(seen.skiff, seen.docker);
    assert.equal(seen.docker, 'triggered plain\nfrom the child context\n');
  });

  it('a multi-stage build: the same final image, files, owners and history', () => {
    const dir = context('multistage', {
      Dockerfile: [
        'ARG BASE=busybox',
        'FROM $BASE AS Builder',
        'ARG GREETING=hi',
        'RUN mkdir -p /out/sub && echo "$GREETING" > /out/greeting && echo app > /out/sub/app \\',
        '    && chown -R 1000:1000 /out && chmod 600 /out/sub/app && ln -s sub/app /out/link',
        'FROM busybox AS unused',
        'RUN echo the unused stage ran > /unused',
        'FROM ${BASE} AS assembled',
        'COPY --from=builder /out/greeting /greeting',
        'COPY --from=0 /out/ /by-index/',
        'COPY --from=builder /out/link /followed',
        'COPY --from=busybox /bin/busybox /from-image',
        'COPY --chown=5:6 --from=builder /out/sub/ /chowned/',
        'COPY local.txt /',
        'FROM assembled AS final',
        'CMD ["cat", "/greeting", "/local.txt"]',
      ].join('\n'),
      'local.txt': 'from the context\n',
    });
    const out = buildBoth('multistage', dir, ['--build-arg', 'GREETING=hello']);
    // The one difference, on purpose: the legacy builder runs the stage nobody needs; Skiff skips it.
    assert.match(out.docker, /Step 6\/15 : RUN echo the unused stage ran/);
    assert.match(out.skiff, /Skipping stage unused: the target stage does not need it\nStep 7\/15 : FROM \$\{BASE\} AS assembled/);
    const { docker, skiff: ours } = recorded('multistage');
    assert.deepEqual(ours, docker);
    const listing = 'cat /greeting /followed; stat -c "%u:%g %a %F %n" /by-index/greeting /by-index/sub/app /followed /chowned/app; cmp /from-image /bin/busybox';
    const files = runBoth('multistage', listing);
    assert.equal(files.skiff, files.docker);
    assert.match(files.docker, /^hello\napp\n1000:1000 644 regular file \/by-index\/greeting\n1000:1000 600 regular file \/by-index\/sub\/app\n/);
  });

  it('--target: the named stage\'s image, on both', () => {
    const out = buildBoth('target-builder', join(work, 'multistage'), ['--target', 'builder']);
    for (const text of [out.docker, out.skiff]) assert.match(text, /Step 4\/4 : RUN mkdir/);
    const { docker, skiff: ours } = recorded('target-builder');
    assert.deepEqual(ours, docker);
    const greeting = runBoth('target-builder', 'cat /out/greeting');
    assert.equal(greeting.skiff, greeting.docker);
  });
});

/** A COPY row names its source by a content hash Docker and Skiff compute differently. */
function sameHash(createdBy: string): string {
  return createdBy.replace(/(file|dir|multi):[0-9a-f]{64} in /, '$1:HASH in ');
}

/** created_by of each history row, newest first, as skopeo (an independent reader) finds it in Skiff's store. */
function skopeoHistory(layout: string, tag: string): string[] {
  const r = spawnSync('skopeo', ['inspect', '--config', `oci:${layout}:docker.io/library/${tag}:latest`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const history = (JSON.parse(r.stdout) as { history: Array<{ created_by?: string }> }).history;
  return history.map((h) => h.created_by ?? '').reverse();
}
