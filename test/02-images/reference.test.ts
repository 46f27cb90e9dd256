// References are normalised the way Docker normalises them, and refused with
// Docker's words. The expectations below are what `docker` 28 prints for the
// same inputs (`docker tag`, `docker pull`).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { familiarString, normalizeReference, parseReference } from '../../chapters/02-images/store/reference.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('reference normalisation', () => {
  const cases: Array<[string, string]> = [
    ['busybox', 'docker.io/library/busybox:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36'],
    ['library/busybox', 'docker.io/library/busybox:latest'],
    ['docker.io/busybox', 'docker.io/library/busybox:latest'],
    ['index.docker.io/busybox:musl', 'docker.io/library/busybox:musl'],
    ['alice/app', 'docker.io/alice/app:latest'],
    ['localhost/app', 'localhost/app:latest'],
    ['localhost:5000/x', 'localhost:5000/x:latest'],
    ['127.0.0.1:5000/team/app:v1.2', '127.0.0.1:5000/team/app:v1.2'],
    ['ghcr.io/o/r:tag_with-dots.1', 'ghcr.io/o/r:tag_with-dots.1'],
    [`busybox@${DIGEST}`, `docker.io/library/busybox@${DIGEST}`],
    [`busybox:1.36@${DIGEST}`, `docker.io/library/busybox:1.36@${DIGEST}`],
    ['a__b/c-d--e/f.g', 'docker.io/a__b/c-d--e/f.g:latest'],
  ];
  for (const [input, want] of cases) {
    it(`${input} → ${want}`, () => assert.equal(normalizeReference(input), want));
  }

  it('splits a reference into its parts', () => {
    const ref = parseReference('localhost:5000/team/app:v1');
    assert.deepEqual(
      { domain: ref.domain, path: ref.path, tag: ref.tag, digest: ref.digest },
      { domain: 'localhost:5000', path: 'team/app', tag: 'v1', digest: undefined },
    );
  });

  it('keeps a bare name bare when asked (docker images busybox)', () => {
    assert.equal(parseReference('busybox', { defaultTag: false }).full, 'docker.io/library/busybox');
  });

  it('prints the familiar form', () => {
    assert.equal(familiarString(parseReference('busybox')), 'busybox:latest');
    assert.equal(familiarString(parseReference('alice/app:v1')), 'alice/app:v1');
    assert.equal(familiarString(parseReference('localhost:5000/x')), 'localhost:5000/x:latest');
  });
});

describe('invalid references', () => {
  const refused: Array<[string, string]> = [
    ['', 'invalid reference format'],
    ['a:b:c', 'invalid reference format'],
    ['busybox:', 'invalid reference format'],
    ['-busybox', 'invalid reference format'],
    ['bus box', 'invalid reference format'],
    [`busybox:${'t'.repeat(129)}`, 'invalid reference format'],
    ['busybox@sha256:abc', 'invalid reference format'],
    [`busybox@sha256:${'a'.repeat(63)}`, 'invalid checksum digest length'],
    [`busybox@sha256:${'A'.repeat(64)}`, 'invalid checksum digest format'],
    [`busybox@md5:${'a'.repeat(32)}`, 'unsupported digest algorithm'],
    ['Busybox', 'invalid reference format: repository name (library/Busybox) must be lowercase'],
    ['localhost:5000/App', 'invalid reference format: repository name (App) must be lowercase'],
    ['a'.repeat(64), `invalid repository name (${'a'.repeat(64)}), cannot specify 64-byte hexadecimal strings`],
    [`x/${'a'.repeat(250)}`, 'repository name must not be more than 255 characters'],
  ];
  for (const [input, message] of refused) {
    it(`refuses ${JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input)}`, () => {
      assert.throws(() => parseReference(input), { message });
    });
  }
});
