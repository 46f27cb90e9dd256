// sources.ts — what the book knows about the repository: its chapters, their
// source files, the regions marked in them, and where each file's listing
// page lives. The site's build, its remark plugin and the tests all ask this
// one module, so "a region the book shows" means the same thing everywhere.
//
// Only Node built-ins here: the root test suite imports this file too.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root: the nearest directory above this module that holds
 * both chapters/ and site/. (When the site is built, this module is bundled
 * into site/dist/…, so a fixed '../..' would not do.)
 */
export const repoRoot = findRepoRoot();

function findRepoRoot(): string {
  if (process.env.SKIFF_REPO_ROOT) return resolve(process.env.SKIFF_REPO_ROOT);
  for (const start of [dirname(fileURLToPath(import.meta.url)), process.cwd()]) {
    let dir = start;
    for (;;) {
      if (existsSync(join(dir, 'chapters')) && existsSync(join(dir, 'site/package.json'))) return dir;
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  throw new Error('cannot find the repository root (a directory with chapters/ and site/package.json)');
}

/** Where the real chapters live, and the fixture chapter used to test the book itself. */
export const chaptersRoot = join(repoRoot, 'chapters');
export const fixturesRoot = join(repoRoot, 'site/test-fixtures/chapters');

/**
 * SKIFF_BOOK_FIXTURES=1 builds the book with its fixture chapter added;
 * SKIFF_BOOK_FIXTURES=only builds it with the fixture chapters alone (fast).
 */
export const withFixtures = (): boolean => ['1', 'only'].includes(process.env.SKIFF_BOOK_FIXTURES ?? '');
export const onlyFixtures = (): boolean => process.env.SKIFF_BOOK_FIXTURES === 'only';

/**
 * Extra chapter roots, repo-relative and colon-separated, for the book's own
 * tests (a deliberately broken chapter, say): SKIFF_BOOK_EXTRA_CHAPTERS.
 */
export const extraChapterRoots = (): string[] =>
  (process.env.SKIFF_BOOK_EXTRA_CHAPTERS ?? '').split(':').filter(Boolean);

/** The file extensions that count as a chapter's source files. */
export const SOURCE_EXTENSIONS = ['.ts'] as const;

export interface Chapter {
  /** The directory name, e.g. `01-namespaces`. */
  slug: string;
  /** Absolute path of the chapter's directory. */
  dir: string;
  /** Absolute path of chapter.mdx, or null while the chapter has no prose yet. */
  mdx: string | null;
  /** Repo-relative paths of the chapter's source files, sorted. */
  sources: string[];
}

/** Turns an absolute path into the repo-relative, forward-slashed form directives use. */
export function repoPath(absolute: string): string {
  return relative(repoRoot, absolute).split(sep).join('/');
}

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

/** Is this a source file the book must list (not a declaration file, not a transcript)? */
export function isSourceFile(path: string): boolean {
  return (SOURCE_EXTENSIONS as readonly string[]).includes(extname(path)) && !path.endsWith('.d.ts');
}

/** Every chapter directory (`NN-name`), in order, with its sources. */
export function listChapters(options: { fixtures?: boolean } = {}): Chapter[] {
  const roots = options.fixtures === undefined && onlyFixtures() ? [] : [chaptersRoot];
  if (options.fixtures ?? withFixtures()) roots.unshift(fixturesRoot, ...extraChapterRoots().map((r) => join(repoRoot, r)));
  const chapters: Chapter[] = [];
  for (const root of roots) {
    if (!existsSync(root)) continue;
    for (const slug of readdirSync(root).sort()) {
      const dir = join(root, slug);
      if (!/^\d\d-/.test(slug) || !statSync(dir).isDirectory()) continue;
      const mdx = join(dir, 'chapter.mdx');
      chapters.push({
        slug,
        dir,
        mdx: existsSync(mdx) ? mdx : null,
        sources: walk(dir).filter(isSourceFile).map(repoPath),
      });
    }
  }
  return chapters;
}

/** Every source file of every chapter, repo-relative. */
export function listSourceFiles(options: { fixtures?: boolean } = {}): string[] {
  return listChapters(options).flatMap((c) => c.sources);
}

/** The chapter a repo-relative path belongs to, e.g. `01-namespaces`. */
export function chapterOf(path: string): string | null {
  const m = /(?:^|\/)chapters\/(\d\d-[^/]+)\//.exec(path);
  return m ? m[1]! : null;
}

/**
 * The URL of a source file's annotated listing (site-absolute, trailing
 * slash): /source/NN-name/file.ts/ for a chapter's file, /source/<path>/ for
 * any other file of the repository that a chapter shows (scripts/demo.ts).
 */
export function listingHref(path: string): string {
  const chapter = chapterOf(path);
  if (!chapter) return `/source/${path}/`;
  const inChapter = path.slice(path.indexOf(`chapters/${chapter}/`) + `chapters/${chapter}/`.length);
  return `/source/${chapter}/${inChapter}/`;
}

/** Files outside the chapters that some chapter shows a region of: they get listings too. */
export function listOtherShownFiles(options: { fixtures?: boolean } = {}): string[] {
  const chapters = listChapters(options);
  const own = new Set(chapters.flatMap((c) => c.sources));
  const other = new Set<string>();
  for (const c of chapters) {
    if (!c.mdx) continue;
    for (const u of scanDirectives(c.mdx)) {
      if (u.kind === 'region' && !own.has(u.file) && isSourceFile(u.file) && existsSync(join(repoRoot, u.file))) other.add(u.file);
    }
  }
  return [...other].sort();
}

/** The URL of a chapter's page. */
export function chapterHref(slug: string): string {
  return `/chapters/${slug}/`;
}

/** The highlighter's name for a file's language, from its extension. */
export function languageOf(path: string): string {
  const ext = extname(path).slice(1);
  const map: Record<string, string> = { ts: 'ts', mts: 'ts', js: 'js', mjs: 'js', sh: 'sh', json: 'json', c: 'c', txt: 'text' };
  return map[ext] ?? 'text';
}

// ---------------------------------------------------------------------------
// Regions: `// #region NAME` … `// #endregion NAME`, as editors fold them.

const REGION_RE = /^\s*\/\/\s*#region\s+(\S+)\s*$/;
const ENDREGION_RE = /^\s*\/\/\s*#endregion\s+(\S+)\s*$/;

/** Is this line a region marker (which the book never shows as code)? */
export function isRegionMarker(line: string): boolean {
  return REGION_RE.test(line) || ENDREGION_RE.test(line);
}

export function regionMarker(line: string): { kind: 'start' | 'end'; name: string } | null {
  const start = REGION_RE.exec(line);
  if (start) return { kind: 'start', name: start[1]! };
  const end = ENDREGION_RE.exec(line);
  if (end) return { kind: 'end', name: end[1]! };
  return null;
}

export interface RegionSpan {
  name: string;
  /** 1-based line number of the `#region` marker. */
  startMarker: number;
  /** 1-based line number of the `#endregion` marker. */
  endMarker: number;
}

/** The regions of a file's text; throws on an unclosed, unopened or repeated region. */
export function parseRegions(text: string, path = '<text>'): RegionSpan[] {
  const lines = text.split('\n');
  const open = new Map<string, number>();
  const spans: RegionSpan[] = [];
  lines.forEach((line, i) => {
    const marker = regionMarker(line);
    if (!marker) return;
    if (marker.kind === 'start') {
      if (open.has(marker.name) || spans.some((s) => s.name === marker.name)) {
        throw new Error(`${path}:${i + 1}: region "${marker.name}" is marked twice`);
      }
      open.set(marker.name, i + 1);
    } else {
      const start = open.get(marker.name);
      if (start === undefined) throw new Error(`${path}:${i + 1}: #endregion "${marker.name}" has no #region`);
      open.delete(marker.name);
      spans.push({ name: marker.name, startMarker: start, endMarker: i + 1 });
    }
  });
  for (const [name, line] of open) throw new Error(`${path}:${line}: region "${name}" is never closed`);
  return spans.sort((a, b) => a.startMarker - b.startMarker);
}

export interface RegionExtract {
  file: string;
  name: string | null;
  lang: string;
  /** The code as shown: nested markers removed, common indentation removed. */
  code: string;
  /** The real 1-based line number of each shown line, in order. */
  lineNumbers: number[];
}

/** Removes the indentation every non-blank line shares. */
export function dedent(lines: string[]): string[] {
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)![0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => (l.trim() === '' ? '' : l.slice(cut)));
}

/**
 * Reads a region of a repo-relative file (or the whole file when `name` is
 * null). Throws a one-line error naming the file and the regions it does have.
 */
export function extractRegion(file: string, name: string | null): RegionExtract {
  if (file.startsWith('/') || file.split('/').includes('..')) {
    throw new Error(`region file must be a path inside the repository, relative to its root: "${file}"`);
  }
  const absolute = join(repoRoot, file);
  if (!existsSync(absolute) || !statSync(absolute).isFile()) {
    throw new Error(`no such file "${file}" (paths are relative to the repository root)`);
  }
  const text = readFileSync(absolute, 'utf8').replace(/\n$/, '');
  const all = text.split('\n');
  let first = 1;
  let last = all.length;
  if (name !== null) {
    const spans = parseRegions(text, file);
    const span = spans.find((s) => s.name === name);
    if (!span) {
      const known = spans.map((s) => s.name).join(', ') || 'none';
      throw new Error(`no region "${name}" in ${file} (its regions: ${known})`);
    }
    first = span.startMarker + 1;
    last = span.endMarker - 1;
  }
  const shown: string[] = [];
  const lineNumbers: number[] = [];
  for (let n = first; n <= last; n++) {
    const line = all[n - 1]!;
    if (isRegionMarker(line)) continue;
    shown.push(line);
    lineNumbers.push(n);
  }
  // Leading and trailing blank lines say nothing.
  while (shown.length && shown[0]!.trim() === '') (shown.shift(), lineNumbers.shift());
  while (shown.length && shown.at(-1)!.trim() === '') (shown.pop(), lineNumbers.pop());
  if (shown.length === 0) throw new Error(`region "${name}" in ${file} is empty`);
  return { file, name, lang: languageOf(file), code: dedent(shown).join('\n'), lineNumbers };
}

/** Compresses [17,18,19,21,22] into "17-19,21-22". */
export function lineRanges(numbers: number[]): string {
  const out: string[] = [];
  let i = 0;
  while (i < numbers.length) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j]! + 1) j++;
    out.push(i === j ? `${numbers[i]}` : `${numbers[i]}-${numbers[j]}`);
    i = j + 1;
  }
  return out.join(',');
}

export function parseLineRanges(ranges: string): number[] {
  return ranges.split(',').flatMap((part) => {
    const [a, b] = part.split('-').map(Number);
    if (b === undefined) return [a!];
    return Array.from({ length: b - a! + 1 }, (_, k) => a! + k);
  });
}

// ---------------------------------------------------------------------------
// Directives in chapter prose.

export interface DirectiveUse {
  kind: 'region' | 'transcript';
  file: string;
  name: string | null;
  /** The chapter.mdx that uses it, repo-relative, and the line. */
  from: string;
  line: number;
}

const DIRECTIVE_RE = /^::(region|transcript)\{([^}]*)\}\s*$/;
const ATTR_RE = /(\w+)="([^"]*)"/g;

/** The `::region` and `::transcript` leaf directives of an MDX file, by a line scan. */
export function scanDirectives(mdxPath: string): DirectiveUse[] {
  const uses: DirectiveUse[] = [];
  const from = repoPath(mdxPath);
  readFileSync(mdxPath, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      const m = DIRECTIVE_RE.exec(line.trim());
      if (!m) return;
      const attrs = Object.fromEntries([...m[2]!.matchAll(ATTR_RE)].map((a) => [a[1]!, a[2]!]));
      uses.push({ kind: m[1] as 'region' | 'transcript', file: attrs.file ?? '', name: attrs.name ?? null, from, line: i + 1 });
    });
  return uses;
}

/** Every transcript file of the chapters, repo-relative. */
export function listTranscripts(options: { fixtures?: boolean } = {}): string[] {
  return listChapters(options).flatMap((c) => {
    const dir = join(c.dir, 'transcripts');
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((n) => n.endsWith('.txt'))
      .sort()
      .map((n) => repoPath(join(dir, n)));
  });
}

export const fileName = (path: string): string => basename(path);
