// transcript.ts — recorded terminal sessions: parse, run, normalise, record.
//
// A transcript file is what a reader would see in a terminal. A line that
// starts with "$ " is a command; the lines after it, up to the next command,
// are its combined stdout and stderr. Lines before the first command that
// start with "#! " are options for the checker and are never shown:
//
//   #! normalise: sizes pids       (also replace sizes like "4.2 MB" / pids)
//   #! replace: REGEX => TEXT       (a JavaScript regex, applied to every line)
//
// The commands run one after another in ONE bash, from the repository root,
// so `cd` and variables carry over as they would for a reader typing them.
// PATH starts with bin/ (the project's executables) and node_modules/.bin.
//
// A transcript may work in /tmp (`mkdir /tmp/skiff-hello`), as a reader
// would. So that checking and recording leave the machine as they found it,
// the bash runs in a private mount namespace (unshare(1), which needs root,
// as the chapters' executables do) where /tmp is a fresh directory, bind-
// mounted over it and removed afterwards. The transcripts of one chapter
// share one such /tmp, in the order the book shows them, because a later
// session may go on where an earlier one stopped.
//
// Only Node built-ins here: the root test suite and the record script use it.

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listChapters, listTranscripts, repoPath, repoRoot, scanDirectives } from './sources.ts';

export interface Step {
  command: string;
  /** Output lines, as recorded (no trailing newline on the last). */
  output: string[];
}

export interface Transcript {
  options: string[];
  steps: Step[];
}

export function parseTranscript(text: string, path = '<transcript>'): Transcript {
  const options: string[] = [];
  const steps: Step[] = [];
  const lines = text.replace(/\n$/, '').split('\n');
  lines.forEach((line, i) => {
    if (line.startsWith('$ ')) {
      steps.push({ command: line.slice(2), output: [] });
    } else if (steps.length === 0) {
      if (line.startsWith('#! ')) options.push(line.slice(3).trim());
      else if (line.trim() !== '') throw new Error(`${path}:${i + 1}: output before the first "$ " command`);
    } else {
      steps.at(-1)!.output.push(line);
    }
  });
  if (steps.length === 0) throw new Error(`${path}: no "$ " command in transcript`);
  for (const step of steps) while (step.output.length && step.output.at(-1)!.trim() === '') step.output.pop();
  return { options, steps };
}

export function formatTranscript(t: Transcript): string {
  const head = t.options.map((o) => `#! ${o}\n`).join('');
  const body = t.steps.map((s) => [`$ ${s.command}`, ...s.output].join('\n')).join('\n');
  return `${head}${body}\n`;
}

/** The environment commands run in: the project's executables first on PATH. */
export function transcriptEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${join(repoRoot, 'bin')}:${join(repoRoot, 'node_modules/.bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    TERM: 'dumb',
    COLUMNS: '100',
    LC_ALL: 'C.UTF-8',
  };
}

/** A directory that stands for /tmp while transcripts run; remove it with `remove()`. */
export interface PrivateTmp {
  dir: string;
  remove(): void;
}

export function makePrivateTmp(): PrivateTmp {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-transcript-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Runs every command of a transcript in one bash, with `tmp` as its /tmp;
 * returns each command's output lines.
 */
export function runCommands(commands: string[], tmp: string, timeoutMs = 300_000): string[][] {
  const mark = `__skiff_transcript_${randomBytes(8).toString('hex')}__`;
  const script = [
    // Before stderr joins stdout: a failed bind mount is a test's error, not a transcript's output.
    `mount --bind ${JSON.stringify(tmp)} /tmp || exit 97`,
    'exec 2>&1',
    `cd ${JSON.stringify(repoRoot)}`,
    ...commands.flatMap((c) => [c, `printf '\\n%s\\n' ${mark}`]),
  ].join('\n');
  // The mount namespace, and every mount made in it, ends with the last of its processes.
  const result = spawnSync('unshare', ['--mount', '--propagation', 'private', 'bash', '-c', script], {
    cwd: repoRoot,
    env: transcriptEnv(),
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw new Error(`running transcript commands: ${result.error.message}`);
  if (result.status === 97 && result.stdout === '') throw new Error(`could not give the transcript a private /tmp (unshare and mount need root)`);
  const chunks = result.stdout.split(`\n${mark}\n`);
  // The chunk after the last mark is whatever the shell printed on exit.
  const outputs = chunks.slice(0, commands.length);
  if (outputs.length < commands.length) {
    const done = outputs.length;
    throw new Error(`the shell stopped after ${done} of ${commands.length} commands (a command ran "exit"?): ${commands[done]}`);
  }
  return outputs.map((chunk) => {
    const lines = chunk.replace(/\n$/, '').split('\n').map((l) => l.replace(/\s+$/, ''));
    while (lines.length && lines.at(-1) === '') lines.pop();
    return lines;
  });
}

/** Replaces what legitimately differs between runs with fixed placeholders. */
export function normaliser(options: string[]): (line: string) => string {
  const flags = new Set(
    options.filter((o) => o.startsWith('normalise:')).flatMap((o) => o.slice('normalise:'.length).trim().split(/[\s,]+/)),
  );
  const replaces = options
    .filter((o) => o.startsWith('replace:'))
    .map((o) => {
      const [pattern, text = ''] = o.slice('replace:'.length).trim().split(/\s+=>\s+/);
      return [new RegExp(pattern!, 'g'), text] as const;
    });
  return (line: string): string => {
    let s = line.replace(/\s+$/, '');
    for (const [re, text] of replaces) s = s.replace(re, text);
    s = s
      // ids and digests: 64 hex (full) and 12 hex (short), as docker prints them
      .replace(/\b[0-9a-f]{64}\b/g, '<id64>')
      .replace(/\b[0-9a-f]{12}\b/g, '<id12>')
      // temporary paths made by mktemp and friends
      .replace(/\/tmp\/[^\s/'":]+/g, '/tmp/<tmp>')
      // dates and times
      .replace(/\b\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?/g, '<date>')
      .replace(/\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d+ \d\d:\d\d:\d\d(?: \w+)? \d{4}\b/g, '<date>')
      .replace(/\b(?:Less than a second|About a minute|About an hour|An? \w+|\d+ (?:seconds?|minutes?|hours?|days?|weeks?|months?|years?)) ago\b/g, '<when> ago')
      .replace(/\bUp (?:Less than a second|About a minute|About an hour|\d+ (?:seconds?|minutes?|hours?|days?|weeks?|months?|years?))\b/g, 'Up <uptime>')
      // durations: 12ms, 0.53s, 1m2.5s, 3.2µs
      .replace(/\b\d+m\d+(?:\.\d+)?s\b/g, '<duration>')
      .replace(/\b\d+(?:\.\d+)?\s?(?:ns|µs|us|ms|s)\b/g, '<duration>');
    // Aligned columns move when a field's width changes (a longer pid, say):
    // runs of spaces inside a line compare as one gap.
    s = s.replace(/(\S) {2,}(?=\S)/g, '$1  ');
    if (flags.has('sizes')) s = s.replace(/\b\d+(?:\.\d+)?\s?(?:B|kB|KB|KiB|MB|MiB|GB|GiB|bytes)\b/g, '<size>');
    if (flags.has('pids')) s = s.replace(/\b(pid|PID|process)([ =:]+)\d+\b/g, '$1$2<pid>');
    if (flags.has('numbers')) s = s.replace(/\b\d+\b/g, '<n>');
    return s;
  };
}

export interface Mismatch {
  command: string;
  diff: string;
}

/** A small line diff of expected vs actual (after normalising), for test messages. */
export function lineDiff(expected: string[], actual: string[]): string {
  // Longest common subsequence: transcripts are short, O(n*m) is fine.
  const n = expected.length;
  const m = actual.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i]![j] = expected[i] === actual[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && expected[i] === actual[j]) (out.push(`  ${expected[i]}`), i++, j++);
    else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) (out.push(`- ${expected[i]}`), i++);
    else (out.push(`+ ${actual[j]}`), j++);
  }
  return out.join('\n');
}

/**
 * The transcripts of each chapter in the order its pages show them (those no
 * page shows come last): the order a reader types them in, one session of a
 * chapter going on where the one before stopped.
 */
export function transcriptSessions(options: { fixtures?: boolean } = {}): string[][] {
  const all = listTranscripts(options);
  return listChapters(options)
    .map((c) => {
      const own = all.filter((t) => t.startsWith(`${repoPath(c.dir)}/`));
      const shown = c.pages.flatMap((p) => scanDirectives(p.mdx)).filter((u) => u.kind === 'transcript').map((u) => u.file);
      return [...new Set([...shown.filter((t) => own.includes(t)), ...own])];
    })
    .filter((files) => files.length > 0);
}

/** The session (the chapter's transcripts, in order) that a transcript file belongs to. */
function sessionOf(file: string): string[] {
  return transcriptSessions({ fixtures: true }).find((s) => s.includes(file)) ?? [file];
}

/**
 * Runs `fn` with a private /tmp in which the transcripts of `file`'s session
 * that come before it have already run: `file` then sees what its reader
 * would. The directory is removed afterwards, whatever happens.
 */
function withSessionBefore<T>(file: string, tmp: string | undefined, fn: (tmp: string) => T): T {
  if (tmp !== undefined) return fn(tmp);
  const own = makePrivateTmp();
  try {
    const session = sessionOf(file);
    for (const earlier of session.slice(0, Math.max(0, session.indexOf(file)))) {
      runCommands(parseTranscript(readFileSync(join(repoRoot, earlier), 'utf8'), earlier).steps.map((s) => s.command), own.dir);
    }
    return fn(own.dir);
  } finally {
    own.remove();
  }
}

/**
 * Re-runs a transcript file and lists the commands whose output no longer
 * matches. With `tmp`, it runs with that directory as /tmp (the caller runs a
 * chapter's session in order and removes it); without, in a fresh one, after
 * the transcripts of its chapter that come before it.
 */
export function checkTranscript(file: string, tmp?: string): Mismatch[] {
  const absolute = join(repoRoot, file);
  const t = parseTranscript(readFileSync(absolute, 'utf8'), file);
  const outputs = withSessionBefore(file, tmp, (dir) => runCommands(t.steps.map((s) => s.command), dir));
  const norm = normaliser(t.options);
  const mismatches: Mismatch[] = [];
  t.steps.forEach((step, k) => {
    const expected = step.output.map(norm);
    const actual = outputs[k]!.map(norm);
    if (expected.join('\n') !== actual.join('\n')) {
      mismatches.push({ command: step.command, diff: lineDiff(expected, actual) });
    }
  });
  return mismatches;
}

/** Runs a transcript's commands and rewrites the file with their real output (`tmp` as in checkTranscript). */
export function recordTranscript(file: string, tmp?: string): Transcript {
  const absolute = join(repoRoot, file);
  const t = parseTranscript(readFileSync(absolute, 'utf8'), file);
  const outputs = withSessionBefore(file, tmp, (dir) => runCommands(t.steps.map((s) => s.command), dir));
  const recorded: Transcript = { options: t.options, steps: t.steps.map((s, k) => ({ command: s.command, output: outputs[k]! })) };
  // Write to a temporary name, fsync, rename: never a half-written transcript.
  const temp = `${absolute}.${process.pid}.tmp`;
  writeFileSync(temp, formatTranscript(recorded));
  const fd = openSync(temp, 'r');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(temp, absolute);
  return recorded;
}
