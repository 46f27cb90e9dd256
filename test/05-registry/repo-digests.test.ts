// RepoDigests, side by side with a real dockerd: both daemons pull the same
// images from the same distribution registry (a Docker schema2 manifest
// pushed by dockerd, an OCI one copied by skopeo) and must show the same
// `name@sha256:…` in `docker image inspect` and `docker images --digests`;
// a push records the digest the registry now holds the image by.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startDockerd, tarDirectory, type Dockerd } from '../helpers/dockerd.ts';
import { makeBusyboxRootfs, makeTempDir, removeTempDir } from '../helpers/rootfs.ts';
import { startSkiffd, type Skiffd } from '../helpers/skiffd.ts';
import { engineCommand, http, makeOciLayout, run, startDistribution } from './registry-lab.ts';

describe('RepoDigests after pull and push, as dockerd shows them', () => {
  let work: string;
  let distribution: { host: string; stop(): Promise<void> };
  let dockerd: Dockerd;
  let skiffd: Skiffd;
  let rootfsTar: string;

  before(async () => {
    work = makeTempDir();
    distribution = await startDistribution(work);
    dockerd = await startDockerd(['--insecure-registry', distribution.host]);
    skiffd = await startSkiffd({ command: engineCommand() });
    rootfsTar = tarDirectory(makeBusyboxRootfs(join(work, 'rootfs')), join(work, 'rootfs.tar'));
  });
  after(async () => {
    await skiffd?.stop();
    await dockerd?.stop();
    await distribution?.stop();
    removeTempDir(work);
  });

  const repoDigests = (daemon: Dockerd, name: string): string[] =>
    JSON.parse(daemon.docker(['image', 'inspect', '--format', '{{json .RepoDigests}}', name]).stdout);
  const digestColumn = (daemon: Dockerd, repository: string): string =>
    daemon.docker(['images', '--digests', '--format', '{{.Repository}} {{.Tag}} {{.Digest}}', repository]).stdout.trim();
  /** The digest the registry serves a reference's manifest under, whatever its type. */
  const registryDigest = async (repository: string, tag: string): Promise<string> => {
    const accept = 'application/vnd.docker.distribution.manifest.v2+json,application/vnd.oci.image.manifest.v1+json';
    const reply = await http(`http://${distribution.host}`, 'HEAD', `/v2/${repository}/manifests/${tag}`, { headers: { Accept: accept } });
    return reply.headers['docker-content-digest'] as string;
  };

  it('a Docker schema2 manifest: the digest of its own bytes, though skiffd stores it as OCI', async () => {
    const image = `${distribution.host}/team/schema2:v1`;
    dockerd.docker(['import', '--change', 'CMD ["sh"]', rootfsTar, image]);
    const pushed = /v1: digest: (sha256:[0-9a-f]{64})/.exec(dockerd.docker(['push', image]).stdout)?.[1];
    assert.ok(pushed);
    assert.equal(await registryDigest('team/schema2', 'v1'), pushed);
    assert.deepEqual(repoDigests(dockerd, image), [`${distribution.host}/team/schema2@${pushed}`], 'dockerd, after its push');
    dockerd.docker(['rmi', image]);
    dockerd.docker(['pull', image]);
    skiffd.docker(['pull', image]);
    const expected = [`${distribution.host}/team/schema2@${pushed}`];
    assert.deepEqual(repoDigests(dockerd, image), expected);
    assert.deepEqual(repoDigests(skiffd, image), expected);
    assert.equal(digestColumn(skiffd, `${distribution.host}/team/schema2`), digestColumn(dockerd, `${distribution.host}/team/schema2`));
    assert.equal(digestColumn(skiffd, `${distribution.host}/team/schema2`), `${distribution.host}/team/schema2 v1 ${pushed}`);
    const stored = skiffd.docker(['image', 'inspect', '--format', '{{.Id}}', image]).stdout.trim();
    assert.equal(stored, dockerd.docker(['image', 'inspect', '--format', '{{.Id}}', image]).stdout.trim(), 'the same image id');
  });

  it('an OCI manifest copied by skopeo: both daemons name the registry\'s digest', async () => {
    const { layout, ref } = await makeOciLayout(join(work, 'oci'), { note: 'oci' });
    run('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `oci:${layout}:${ref}`, `docker://${distribution.host}/team/oci:v1`]);
    const digest = await registryDigest('team/oci', 'v1');
    const image = `${distribution.host}/team/oci:v1`;
    dockerd.docker(['pull', image]);
    skiffd.docker(['pull', image]);
    assert.deepEqual(repoDigests(dockerd, image), [`${distribution.host}/team/oci@${digest}`]);
    assert.deepEqual(repoDigests(skiffd, image), repoDigests(dockerd, image));
  });

  it('a tag in another repository adds no digest; one in the same repository keeps it', () => {
    const image = `${distribution.host}/team/schema2:v1`;
    for (const daemon of [dockerd, skiffd]) {
      daemon.docker(['tag', image, 'local/copy:v1']);
      daemon.docker(['tag', image, `${distribution.host}/team/schema2:v2`]);
      daemon.docker(['rmi', image]);
    }
    assert.deepEqual(repoDigests(skiffd, 'local/copy:v1'), repoDigests(dockerd, 'local/copy:v1'));
    assert.equal(repoDigests(skiffd, 'local/copy:v1').length, 1);
  });

  it('skiffd\'s push records the digest the registry now holds, and a pull of it keeps it', async () => {
    const image = `${distribution.host}/team/pushed:v1`;
    run('sh', ['-c', `docker -H ${skiffd.host} import - ${image} < ${rootfsTar}`]);
    assert.deepEqual(repoDigests(skiffd, image), [], 'an imported image has none');
    const pushed = /v1: digest: (sha256:[0-9a-f]{64})/.exec(skiffd.docker(['push', image]).stdout)?.[1];
    assert.ok(pushed);
    assert.equal(await registryDigest('team/pushed', 'v1'), pushed);
    assert.deepEqual(repoDigests(skiffd, image), [`${distribution.host}/team/pushed@${pushed}`]);
    dockerd.docker(['pull', image]);
    assert.deepEqual(repoDigests(dockerd, image), repoDigests(skiffd, image));
    assert.equal(digestColumn(skiffd, `${distribution.host}/team/pushed`), `${distribution.host}/team/pushed v1 ${pushed}`);
  });

  it('a pull by digest: no tag, the digest in RepoDigests, as in dockerd', async () => {
    const { layout, ref } = await makeOciLayout(join(work, 'by-digest'), { note: 'by digest' });
    run('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `oci:${layout}:${ref}`, `docker://${distribution.host}/team/by-digest:v1`]);
    const digest = await registryDigest('team/by-digest', 'v1');
    const image = `${distribution.host}/team/by-digest@${digest}`;
    const inspectOf = (daemon: Dockerd) => {
      const [{ RepoTags, RepoDigests }] = JSON.parse(daemon.docker(['image', 'inspect', image]).stdout) as { RepoTags: string[]; RepoDigests: string[] }[];
      return { RepoTags, RepoDigests };
    };
    for (const daemon of [dockerd, skiffd]) daemon.docker(['pull', image]);
    assert.deepEqual(inspectOf(dockerd), { RepoTags: [], RepoDigests: [image] });
    assert.deepEqual(inspectOf(skiffd), inspectOf(dockerd));
    assert.equal(digestColumn(skiffd, `${distribution.host}/team/by-digest`), digestColumn(dockerd, `${distribution.host}/team/by-digest`));
  });

  it('an image whose tag moved to another keeps its repository digest, untagged, as in dockerd', async () => {
    const image = `${distribution.host}/team/oci:v1`;
    const digest = await registryDigest('team/oci', 'v1');
    const imageId = (daemon: Dockerd) => daemon.docker(['image', 'inspect', '--format', '{{.Id}}', image]).stdout.trim();
    const inspectOf = (daemon: Dockerd, id: string) => {
      const [{ RepoTags, RepoDigests }] = JSON.parse(daemon.docker(['image', 'inspect', id]).stdout) as { RepoTags: string[]; RepoDigests: string[] }[];
      return { RepoTags, RepoDigests };
    };
    const before = { dockerd: imageId(dockerd), skiffd: imageId(skiffd) };
    for (const daemon of [dockerd, skiffd]) daemon.docker(['import', '--change', 'CMD ["true"]', rootfsTar, image]);
    assert.notEqual(imageId(skiffd), before.skiffd, 'the tag moved');
    assert.deepEqual(inspectOf(dockerd, before.dockerd), { RepoTags: [], RepoDigests: [`${distribution.host}/team/oci@${digest}`] });
    assert.deepEqual(inspectOf(skiffd, before.skiffd), inspectOf(dockerd, before.dockerd));
    assert.equal(digestColumn(skiffd, `${distribution.host}/team/oci`), digestColumn(dockerd, `${distribution.host}/team/oci`));
  });
});
