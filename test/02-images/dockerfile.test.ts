// The Dockerfile parser: logical lines, line numbers, forms, substitution,
// and the .dockerignore rules it is paired with.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DockerfileError, keyValues, parseDockerfile, splitWords, expandWord } from '../../chapters/02-images/engine/dockerfile.js';
import { dockerignoreRule } from '../../chapters/02-images/engine/dockerignore.js';

test('instructions keep the line they start on, across continuations and comments', () => {
  const source = [
    '# a comment',
    'FROM busybox',
    '',
    'RUN echo one \\',
    '    # a comment inside the continuation',
    '    two \\',
    '',
    '    three',
    'cmd ["sh", "-c", "echo hi"]',
  ].join('\n');
  const got = parseDockerfile(source);
  assert.deepEqual(
    got.map((i) => [i.line, i.keyword, i.args]),
    [
      [2, 'FROM', 'busybox'],
      [4, 'RUN', 'echo one two three'],
      [9, 'CMD', '["sh", "-c", "echo hi"]'],
    ],
  );
  assert.deepEqual(got[2].json, ['sh', '-c', 'echo hi']);
  assert.equal(got[1].json, undefined);
});

test('an unknown instruction is refused with its line', () => {
  assert.throws(
    () => parseDockerfile('FROM scratch\n\nFLY away\n'),
    (err: unknown) => err instanceof DockerfileError && err.line === 3 && /line 3: unknown instruction: FLY/.test(err.message),
  );
});

test('real instructions this builder lacks are named as such, not as unknown', () => {
  assert.throws(() => parseDockerfile('FROM scratch\nHEALTHCHECK CMD true\n'), /line 2: HEALTHCHECK is not supported by this builder yet/);
});

test('the first instruction must be FROM (ARG may come before it)', () => {
  assert.doesNotThrow(() => parseDockerfile('ARG BASE=busybox\nFROM $BASE\n'));
  assert.throws(() => parseDockerfile('RUN true\n'), /line 1: .*must be FROM/);
  assert.deepEqual(parseDockerfile('# only a comment\n\n'), []); // the builder names the file when it refuses it
});

test('flags are taken off COPY', () => {
  const [, copy] = parseDockerfile('FROM scratch\nCOPY --chown=1000:1000 a b /dst/\n');
  assert.deepEqual(copy.flags, { chown: '1000:1000' });
  assert.equal(copy.args, 'a b /dst/');
});

test('words: quotes, escapes and variables as Docker reads them', () => {
  const vars = new Map([
    ['NAME', 'skiff'],
    ['EMPTY', ''],
  ]);
  assert.deepEqual(splitWords(`a "b c" 'd $NAME' e\\ f $NAME "\${NAME}-x"`, vars), ['a', 'b c', 'd $NAME', 'e f', 'skiff', 'skiff-x']);
  assert.deepEqual(splitWords('${MISSING:-dflt} ${NAME:+alt} ${EMPTY:-was-empty}', vars), ['dflt', 'alt', 'was-empty']);
  assert.equal(expandWord('/home/$NAME/\\$NOT', vars), '/home/skiff/$NOT');
});

test('ENV takes key=value pairs or the old "key value" form', () => {
  const vars = new Map([['V', '1']]);
  const [, a, b] = parseDockerfile('FROM scratch\nENV A=1 B="two words" C=$V\nENV OLD value with spaces\n');
  assert.deepEqual(keyValues(a, vars), [
    ['A', '1'],
    ['B', 'two words'],
    ['C', '1'],
  ]);
  assert.deepEqual(keyValues(b, vars), [['OLD', 'value with spaces']]);
});

test('.dockerignore: root-anchored patterns, ** and ! exceptions', () => {
  const ignored = dockerignoreRule('# comment\n*.log\n!keep.log\nbuild\n**/*.tmp\n');
  assert.equal(ignored('a.log'), true);
  assert.equal(ignored('keep.log'), false);
  assert.equal(ignored('build/out/x'), true);
  assert.equal(ignored('src/build'), false);
  assert.equal(ignored('deep/er/x.tmp'), true);
  assert.equal(ignored('src/main.c'), false);
});
