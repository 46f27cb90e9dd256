// The engine's refusals are typed: every one a user can cause is one of chapter
// 01's three kinds (not found, conflict, invalid argument), so that a caller —
// the command line, chapter 03's daemon choosing 404, 409 or 400 — asks
// `instanceof` and never reads the wording. The wording stays Docker's.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../../chapters/01-namespaces/errors.js';
import { Engine } from '../../chapters/02-images/engine/engine.js';
import { parseDockerfile } from '../../chapters/02-images/engine/dockerfile.js';
import { digestOf, parseDigest } from '../../chapters/02-images/store/digest.js';
import { makeTempDir, removeTempDir } from '../helpers/rootfs.js';
import { makeImage, makeLayer } from './store-fixtures.js';

type Kind = typeof NotFoundError | typeof ConflictError | typeof InvalidArgumentError;

describe('typed errors', () => {
  let root: string;
  let work: string;
  let engine: Engine;
  before(async () => {
    root = makeTempDir();
    work = makeTempDir();
    engine = new Engine(root);
    await makeImage(engine.images, [makeLayer(work, 'a', { 'etc/a': 'a' })], { ref: 'one:v1' });
    await engine.images.tag('one:v1', 'two:v1');
  });
  after(() => {
    removeTempDir(root);
    removeTempDir(work);
  });

  const cases: Array<[string, () => unknown, Kind, RegExp]> = [
    ['an image nobody has', () => engine.findImage('nothere'), NotFoundError, /^No such image: nothere$/],
    ['a container nobody has', () => engine.containers.find('nothere'), NotFoundError, /^No such container: nothere$/],
    ['a blob not in the store', () => engine.images.content.read(digestOf('absent')), NotFoundError, /^blob not found: sha256:/],
    ['a snapshot not there', () => engine.snapshotter.remove('nothere'), NotFoundError, /^snapshot nothere does not exist$/],
    ['an id in two repositories', async () => engine.images.remove((await engine.findImage('one:v1')).id.slice(7, 19)), ConflictError,
      /^conflict: unable to delete [0-9a-f]{12} \(must be forced\) - image is referenced in multiple repositories$/],
    ['a bad reference', () => engine.tag('one:v1', 'Bad:Ref:'), InvalidArgumentError, /^invalid reference format/],
    ['a bad digest', () => parseDigest('sha256:xyz'), InvalidArgumentError, /^invalid digest: "sha256:xyz"$/],
    ['bytes that are not what they claim', () => engine.images.content.write(Buffer.from('x'), digestOf('y')), InvalidArgumentError,
      /^digest mismatch: expected sha256:/],
    ['a bad snapshot key', () => engine.snapshotter.prepare('../escape', null), InvalidArgumentError, /^invalid snapshot key "\.\.\/escape"$/],
    ['an unknown instruction', () => parseDockerfile('FROM scratch\nFLY away\n'), InvalidArgumentError, /^Dockerfile line 2: unknown instruction: FLY$/],
    ['a bad container name', () => engine.containers.create({
      image: 'one:v1', imageId: digestOf('x'), parent: null, config: {}, name: '-bad', overrides: {},
    }), InvalidArgumentError, /^Invalid container name \(-bad\)/],
  ];

  for (const [what, act, kind, message] of cases) {
    it(`${what}: a ${kind.name}, in the same words`, async () => {
      await assert.rejects(async () => act(), (err: Error) => {
        assert.ok(err instanceof kind, `${err.constructor.name} (${err.message}) is not a ${kind.name}`);
        assert.match(err.message, message);
        return true;
      });
    });
  }

  it('a snapshot key already taken is a conflict', async () => {
    await engine.snapshotter.prepare('taken', null);
    await assert.rejects(engine.snapshotter.prepare('taken', null), (err: Error) => err instanceof ConflictError && /already exists/.test(err.message));
    await engine.snapshotter.remove('taken');
  });
});
