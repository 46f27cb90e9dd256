// The Dockerfile parser: logical lines, line numbers, forms, substitution,
// and the .dockerignore rules it is paired with.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DockerfileError, keyValues, parseDockerfile, splitWords, expandWord } from '../../chapters/02-images/engine/dockerfile.js';
import { dockerignoreRule } from '../../chapters/02-images/engine/dockerignore.js';
import { formatGoDuration, goQuote, goQuoteRune, parseGoDuration } from '../../chapters/02-images/engine/go-format.js';

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
      // Continuation lines are appended as they are, indentation and all (what dockerd 20.10 records).
      [4, 'RUN', 'echo one     two     three'],
      [9, 'CMD', '["sh", "-c", "echo hi"]'],
    ],
  );
  assert.deepEqual(got[2].json, ['sh', '-c', 'echo hi']);
  assert.equal(got[1].json, undefined);
  const joined = parseDockerfile('FROM scratch\nRUN echo a\\\nb \\  \n  c\nLABEL x="1 \\\n  2"\n');
  assert.deepEqual(joined.map((i) => i.args), ['scratch', 'echo ab   c', 'x="1   2"']);
});

test('an unknown instruction is refused with its line', () => {
  assert.throws(
    () => parseDockerfile('FROM scratch\n\nFLY away\n'),
    (err: unknown) => err instanceof DockerfileError && err.line === 3 && /line 3: unknown instruction: FLY/.test(err.message),
  );
});

test('HEALTHCHECK is read while parsing: forms, durations in nanoseconds, Docker\'s refusals', () => {
  const [, shell, exec, none] = parseDockerfile(
    'FROM scratch\nHEALTHCHECK --interval=1m30s --retries=3 CMD curl -f http://localhost/\nhealthcheck cmd ["true"]\nHEALTHCHECK NONE\n',
  );
  assert.deepEqual(shell.healthcheck, { Test: ['CMD-SHELL', 'curl -f http://localhost/'], Interval: 90_000_000_000, Retries: 3 });
  assert.deepEqual(exec.healthcheck, { Test: ['CMD', 'true'] });
  assert.deepEqual(none.healthcheck, { Test: ['NONE'] });
  assert.throws(() => parseDockerfile('FROM scratch\nHEALTHCHECK --interval=1d CMD true\n'), /line 2: time: unknown unit "d" in duration "1d"$/);
  assert.throws(() => parseDockerfile('FROM scratch\nHEALTHCHECK --retries=9999999999 CMD true\n'), /line 2: strconv.ParseInt: parsing "9999999999": value out of range$/);
});

test('ONBUILD keeps its trigger as written, and refuses the three triggers Docker refuses', () => {
  const [, onbuild] = parseDockerfile('FROM scratch\nonbuild  run   echo  "hi  there"\n');
  assert.equal(onbuild.args, 'run   echo  "hi  there"');
  assert.throws(() => parseDockerfile('FROM scratch\nONBUILD ONBUILD RUN true\n'), /line 2: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed$/);
  assert.throws(() => parseDockerfile('FROM scratch\nONBUILD from busybox\n'), /line 2: FROM isn't allowed as an ONBUILD trigger$/);
  assert.throws(() => parseDockerfile('FROM scratch\nONBUILD MAINTAINER me\n'), /line 2: MAINTAINER isn't allowed as an ONBUILD trigger$/);
});

test('a flag an instruction does not take is refused, not ignored', () => {
  assert.throws(() => parseDockerfile('FROM scratch\nRUN --mount=type=cache,target=/x true\n'), /line 2: Unknown flag: mount$/);
  assert.throws(() => parseDockerfile('FROM scratch\nCOPY --chown=1 --chown=2 a b\n'), /line 2: Duplicate flag specified: chown$/);
  assert.throws(() => parseDockerfile('FROM scratch\nCOPY --from a b\n'), /line 2: Missing a value on flag: from$/);
});

test('durations and quoting as Go writes them, which HEALTHCHECK rows carry', () => {
  const cases: Array<[string, bigint, string]> = [
    ['1h30m', 5_400_000_000_000n, '1h30m0s'],
    ['90s', 90_000_000_000n, '1m30s'],
    ['1.5s', 1_500_000_000n, '1.5s'],
    ['250ms', 250_000_000n, '250ms'],
    ['1500us', 1_500_000n, '1.5ms'],
    ['2µs', 2_000n, '2µs'],
    ['0', 0n, '0s'],
    ['-3m', -180_000_000_000n, '-3m0s'],
  ];
  for (const [text, ns, formatted] of cases) {
    assert.equal(parseGoDuration(text), ns, text);
    assert.equal(formatGoDuration(ns), formatted, text);
  }
  assert.throws(() => parseGoDuration('5'), { name: 'InvalidArgumentError', message: 'time: missing unit in duration "5"' });
  assert.throws(() => parseGoDuration('.s'), { name: 'InvalidArgumentError', message: 'time: invalid duration ".s"' });
  assert.equal(goQuote('say "hi"\n\\'), '"say \\"hi\\"\\n\\\\"');
  assert.deepEqual([3, 39, 65, 92].map(goQuoteRune), ["'\\x03'", "'\\''", "'A'", "'\\\\'"]);
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
