// How much of each chapter's code the book shows. A line counts if it is
// not blank, not part of an import declaration and not a region marker; it is
// shown if it lies inside a region that some page of the chapters pulls in
// with ::region (or in a file a page shows whole). The test prints a table,
// per file and per section, and fails for any chapter with prose under 95%:
// code that the book never shows is code nobody was told about.
//
// Imports are read with TypeScript's own parser, so an import that spans
// lines counts as one declaration, and `export … from` (a module's surface,
// which the book shows) counts as code. The regions longer than a reader can
// hold in the paragraph before them (over 40 shown lines) are listed too, as
// work to do rather than a failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { extractRegion, isRegionMarker, listChapters, parseRegions, repoPath, repoRoot, scanDirectives, type Chapter } from '../../site/lib/sources.ts';

const THRESHOLD = 95;
/** The most lines a region should show: what one paragraph can explain. */
const LONG_REGION = 40;

interface FileCoverage {
  file: string;
  /** Line numbers that count. */
  counted: number[];
  /** Those of them no page shows. */
  unshown: number[];
}

/** The 1-based line numbers taken by import declarations. */
function importLines(file: string, text: string): Set<number> {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const lines = new Set<number>();
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) && !ts.isImportEqualsDeclaration(statement)) continue;
    const first = source.getLineAndCharacterOfPosition(statement.getStart(source)).line + 1;
    const last = source.getLineAndCharacterOfPosition(statement.getEnd()).line + 1;
    for (let n = first; n <= last; n++) lines.add(n);
  }
  return lines;
}

function fileCoverage(file: string, uses: { file: string; name: string | null }[]): FileCoverage {
  const text = readFileSync(join(repoRoot, file), 'utf8');
  const lines = text.split('\n');
  const regions = parseRegions(text, file);
  const shown = new Set<number>();
  for (const use of uses) {
    if (use.file !== file) continue;
    const span = use.name === null ? { startMarker: 0, endMarker: lines.length + 1 } : regions.find((r) => r.name === use.name);
    if (span) for (let n = span.startMarker + 1; n < span.endMarker; n++) shown.add(n);
  }
  const imports = importLines(file, text);
  const counted = lines.flatMap((line, i) => (line.trim() === '' || isRegionMarker(line) || imports.has(i + 1) ? [] : [i + 1]));
  return { file, counted, unshown: counted.filter((n) => !shown.has(n)) };
}

const percent = (shown: number, total: number) => (total === 0 ? 100 : (100 * shown) / total);

/** "12-19,40" for a sorted list of line numbers. */
function ranges(numbers: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < numbers.length; ) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j]! + 1) j++;
    out.push(i === j ? `${numbers[i]}` : `${numbers[i]}-${numbers[j]}`);
    i = j + 1;
  }
  return out.join(',');
}

interface Row {
  label: string;
  total: number;
  shown: number;
}

function table(rows: Row[]): string {
  const width = Math.max(...rows.map((r) => r.label.length));
  return rows
    .map((r) => `${r.label.padEnd(width)}  ${String(r.shown).padStart(5)} / ${String(r.total).padStart(5)}  ${percent(r.shown, r.total).toFixed(1).padStart(5)}%`)
    .join('\n');
}

function chapterReport(c: Chapter): { rows: Row[]; total: Row; files: FileCoverage[] } {
  const uses = c.pages.flatMap((p) => scanDirectives(p.mdx)).filter((u) => u.kind === 'region');
  // A page may show a file of another chapter; what counts here is this chapter's pages showing its own files.
  const files = c.sources.map((f) => fileCoverage(f, uses));
  const rows: Row[] = [];
  const groups = [
    { label: '(chapter)', prefix: null as string | null },
    ...c.sections.map((s) => ({ label: s.slug, prefix: `${repoPath(s.dir)}/` })),
  ];
  const inSection = (f: string) => c.sections.some((s) => f.startsWith(`${repoPath(s.dir)}/`));
  for (const g of groups) {
    const mine = files.filter((f) => (g.prefix === null ? !inSection(f.file) : f.file.startsWith(g.prefix)));
    if (mine.length === 0) continue;
    for (const f of mine) rows.push({ label: `  ${f.file.slice(repoPath(c.dir).length + 1)}`, total: f.counted.length, shown: f.counted.length - f.unshown.length });
    if (c.sections.length) {
      const total = mine.reduce((n, f) => n + f.counted.length, 0);
      rows.push({ label: `  = ${g.label}`, total, shown: total - mine.reduce((n, f) => n + f.unshown.length, 0) });
    }
  }
  const total = files.reduce((n, f) => n + f.counted.length, 0);
  return { rows, total: { label: `${c.slug}`, total, shown: total - files.reduce((n, f) => n + f.unshown.length, 0) }, files };
}

const chapters = listChapters({ fixtures: false }).filter((c) => c.mdx && c.sources.length > 0);

test('the chapters have code and prose to count', () => {
  assert.ok(chapters.length > 0);
});

for (const c of chapters) {
  test(`chapter ${c.slug} shows at least ${THRESHOLD}% of its lines`, () => {
    const { rows, total, files } = chapterReport(c);
    console.log(`lines shown by the book, ${c.slug} (not counting blank lines, imports and region markers)\n${table([...rows, total])}`);
    const long = c.sources.flatMap((file) =>
      parseRegions(readFileSync(join(repoRoot, file), 'utf8'), file)
        .map((r) => ({ where: `${file} region "${r.name}"`, lines: extractRegion(file, r.name).lineNumbers.length }))
        .filter((r) => r.lines > LONG_REGION),
    );
    if (long.length) console.log(`regions of ${c.slug} over ${LONG_REGION} lines:\n${long.map((r) => `  ${r.where}: ${r.lines}`).join('\n')}`);
    const got = percent(total.shown, total.total);
    if (got < THRESHOLD) {
      const worst = files
        .filter((f) => f.unshown.length)
        .sort((a, b) => b.unshown.length - a.unshown.length)
        .map((f) => `  ${f.file}: ${f.unshown.length} lines not shown (${ranges(f.unshown)})`);
      assert.fail(`${c.slug}: the book shows ${got.toFixed(1)}% of its lines, under ${THRESHOLD}%. Lines no page shows:\n${worst.join('\n')}`);
    }
  });
}
