// The terminal sessions the book shows are real: each transcript's commands
// run again, in one bash from the repository root with bin/ on PATH, and
// their output must match what the book prints once ids, temporary paths,
// dates and durations are normalised. Re-record with
//   npm run transcripts:record -- chapters/NN-name/transcripts/NAME.txt
//
// A chapter's transcripts run in the order its pages show them, with one
// private /tmp for the chapter (a directory this test makes and removes), so
// /tmp/skiff-hello in a transcript never lands in the machine's /tmp.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listPages, listTranscripts, repoRoot, scanDirectives } from '../../site/lib/sources.ts';
import { checkTranscript, makePrivateTmp, normaliser, parseTranscript, recordTranscript, transcriptSessions, type PrivateTmp } from '../../site/lib/transcript.ts';

const FIXTURE = 'site/test-fixtures/chapters/00-fixture/transcripts/echo.txt';

test('the normaliser hides what differs between runs, and only that', () => {
  const n = normaliser(['normalise: sizes']);
  assert.equal(n('created 3f2a9c0b1d4e in 12ms'), 'created <id12> in <duration>');
  assert.equal(n(`sha256:${'ab'.repeat(32)}`), 'sha256:<id64>');
  assert.equal(n('bundle at /tmp/skiff-x1Y2z3/rootfs'), 'bundle at /tmp/<tmp>/rootfs');
  assert.equal(n('at 2025-11-22T17:42:26.123Z, up 2 minutes ago'), 'at <date>, up <when> ago');
  assert.equal(n('Up 3 seconds, took 1.5s, size 4.2MB'), 'Up <uptime>, took <duration>, size <size>');
  assert.equal(normaliser([])('size 4.2MB, pid 42'), 'size 4.2MB, pid 42', 'sizes and pids only when asked for');
  assert.equal(normaliser(['replace: pid \\d+ => pid N'])('pid 42'), 'pid N');
});

test('a transcript that matches passes, and one that does not fails with a diff', () => {
  assert.deepEqual(checkTranscript(FIXTURE), []);
  const dir = join(repoRoot, 'test-output', 'transcripts');
  mkdirSync(dir, { recursive: true });
  const stale = 'test-output/transcripts/stale.txt';
  writeFileSync(join(repoRoot, stale), readFileSync(join(repoRoot, FIXTURE), 'utf8').replace('\nhello from the fixture\n', '\ngoodbye\n'));
  try {
    const mismatches = checkTranscript(stale);
    assert.equal(mismatches.length, 1);
    assert.equal(mismatches[0]!.command, 'echo hello from the fixture');
    assert.equal(mismatches[0]!.diff, '- goodbye\n+ hello from the fixture');
    // Recording rewrites it with the real output.
    recordTranscript(stale);
    assert.deepEqual(checkTranscript(stale), []);
    assert.equal(readFileSync(join(repoRoot, stale), 'utf8'), readFileSync(join(repoRoot, FIXTURE), 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('commands share one shell, as a reader typing them would', () => {
  const dir = join(repoRoot, 'test-output', 'transcripts');
  mkdirSync(dir, { recursive: true });
  const file = 'test-output/transcripts/state.txt';
  writeFileSync(join(repoRoot, file), '$ cd test-output && X=42\n$ echo "$X in $(basename $PWD)"\n42 in test-output\n$ echo oops >&2; which skiff-runtime | sed "s|.*/||"\noops\nskiff-runtime\n');
  try {
    assert.deepEqual(checkTranscript(file), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// A chapter's "Run it" shows a recorded session; a section's may show the
// commands to type instead (a ```sh block), when a session would only repeat
// what its tests print.
test('every chapter\'s "Run it" shows a transcript, a section\'s a transcript or commands, and every transcript is shown', () => {
  const problems: string[] = [];
  const shownFiles = new Set<string>();
  for (const p of listPages({ fixtures: false })) {
    const text = readFileSync(p.mdx, 'utf8');
    const runIt = text.indexOf('\n## Run it');
    const uses = scanDirectives(p.mdx).filter((u) => u.kind === 'transcript');
    for (const u of uses) shownFiles.add(u.file);
    if (!p.leaf) continue; // a part's introduction may show one, and need not
    const runItLine = runIt < 0 ? Infinity : text.slice(0, runIt + 1).split('\n').length;
    const runItText = runIt < 0 ? '' : text.slice(runIt).split(/\n## (?!Run it)/)[0]!;
    const hasTranscript = uses.some((u) => u.line > runItLine);
    if (runIt < 0) problems.push(`${p.id}: no "## Run it" section`);
    else if (p.section === null && !hasTranscript) problems.push(`${p.id}: "## Run it" shows no ::transcript`);
    else if (!hasTranscript && !/\n```(sh|shell|bash)\n/.test(runItText)) problems.push(`${p.id}: "## Run it" shows neither a ::transcript nor commands`);
  }
  for (const t of listTranscripts({ fixtures: false })) if (!shownFiles.has(t)) problems.push(`${t}: no page shows it`);
  assert.deepEqual(problems, [], problems.join('\n'));
});

test('a transcript works in a /tmp of its own, removed afterwards', () => {
  const dir = join(repoRoot, 'test-output', 'transcripts');
  mkdirSync(dir, { recursive: true });
  const file = 'test-output/transcripts/tmp.txt';
  const name = `skiff-transcript-probe-${process.pid}`;
  writeFileSync(join(repoRoot, file), `$ mkdir /tmp/${name} && touch /tmp/${name}/x && ls /tmp/${name}\nx\n$ ls /tmp | wc -l\n1\n`);
  try {
    assert.deepEqual(checkTranscript(file), [], 'the transcript sees an empty /tmp and writes into it');
    assert.ok(!existsSync(`/tmp/${name}`), "nothing of it is in the machine's /tmp");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const session of transcriptSessions({ fixtures: false })) {
  describe(`the transcripts of ${session[0]!.split('/').slice(0, 2).join('/')}, in order`, () => {
    let tmp: PrivateTmp;
    let before_: Set<string>;
    before(() => {
      before_ = new Set(readdirSync('/tmp'));
      tmp = makePrivateTmp();
    });
    after(() => {
      // What the session wrote to "/tmp" is in the private directory, not in the machine's /tmp.
      const written = readdirSync(tmp.dir);
      tmp.remove();
      assert.ok(!existsSync(tmp.dir), 'the private /tmp is removed');
      const leaked = written.filter((n) => !before_.has(n) && existsSync(join('/tmp', n)));
      assert.deepEqual(leaked, [], "names the transcripts made in /tmp that turned up in the machine's /tmp");
    });
    for (const file of session) {
      test(`transcript ${file} still matches`, () => {
        parseTranscript(readFileSync(join(repoRoot, file), 'utf8'), file);
        const mismatches = checkTranscript(file, tmp.dir);
        const report = mismatches.map((m) => `$ ${m.command}\n${m.diff}`).join('\n\n');
        if (mismatches.length) assert.fail(`${file}: output changed (- recorded, + now). Re-record with npm run transcripts:record -- ${file}\n\n${report}`);
      });
    }
  });
}

test('every transcript belongs to a session that runs', () => {
  assert.deepEqual(transcriptSessions({ fixtures: false }).flat().sort(), listTranscripts({ fixtures: false }).sort());
});
