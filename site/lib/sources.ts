// sources.ts — what the book knows about the repository: its chapters, their
// sections and pages, their source files, the regions marked in them, and
// where each file's listing page lives. The site's build, its remark plugin
// and the tests all ask this one module, so "a region the book shows" means
// the same thing everywhere.
//
// A chapter is a folder `chapters/NN-name/` with its prose in chapter.mdx. A
// chapter grown too big for one page is a *part*: sub-folders that hold a
// section.mdx are its sections, each a page of its own after the chapter's
// introduction, in the order their frontmatter's `sidebar.order` gives.
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
  /** Repo-relative paths of the chapter's source files (its sections' included), sorted. */
  sources: string[];
  /**
   * The chapter's sections, in reading order: sub-folders holding a
   * `section.mdx`. A chapter with sections is a part of the book: its
   * chapter.mdx introduces it, and each section is a page of its own.
   */
  sections: Section[];
  /** Every page of the chapter in reading order: chapter.mdx, then the sections. */
  pages: Page[];
}

export interface Section {
  /** The folder name, e.g. `store`. */
  slug: string;
  /** Absolute path of the section's folder. */
  dir: string;
  /** Absolute path of its section.mdx. */
  mdx: string;
  /** Repo-relative paths of the section's source files, sorted. */
  sources: string[];
}

/** One page of the book made from a chapter's prose: a chapter.mdx or a section.mdx. */
export interface Page {
  /** The content id, which is also the URL path: `chapters/02-images` or `chapters/02-images/store`. */
  id: string;
  /** Absolute path of the .mdx file. */
  mdx: string;
  /** The chapter's slug, e.g. `02-images`. */
  chapter: string;
  /** The section's folder name, or null for a chapter.mdx. */
  section: string | null;
  /** The title in its frontmatter. */
  title: string | null;
  /** Repo-relative paths of the source files this page is about (the list under its title). */
  sources: string[];
  /**
   * Does the page stand for code of its own (a chapter without sections, or
   * a section)? Such a page ends with "Run it" and "Exercises"; a part's
   * introduction does not have to.
   */
  leaf: boolean;
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

/** Every chapter directory (`NN-name`), in order, with its sources, sections and pages. */
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
      chapters.push(readChapter(slug, dir, existsSync(mdx) ? mdx : null));
    }
  }
  return chapters;
}

function readChapter(slug: string, dir: string, mdx: string | null): Chapter {
  const sources = walk(dir).filter(isSourceFile).map(repoPath);
  const sections: Section[] = readdirSync(dir)
    .filter((name) => !name.startsWith('.') && statSync(join(dir, name)).isDirectory() && existsSync(join(dir, name, 'section.mdx')))
    .map((name) => ({
      slug: name,
      dir: join(dir, name),
      mdx: join(dir, name, 'section.mdx'),
      sources: sources.filter((s) => s.startsWith(`${repoPath(join(dir, name))}/`)),
    }))
    // Reading order is the sidebar's: `sidebar.order` in each page's
    // frontmatter, then the folder name.
    .sort((a, b) => (readFrontmatter(a.mdx).order ?? Infinity) - (readFrontmatter(b.mdx).order ?? Infinity) || a.slug.localeCompare(b.slug));
  const inSection = new Set(sections.flatMap((s) => s.sources));
  const pages: Page[] = [];
  if (mdx) {
    pages.push({
      id: `chapters/${slug}`,
      mdx,
      chapter: slug,
      section: null,
      title: readFrontmatter(mdx).title,
      sources: sources.filter((s) => !inSection.has(s)),
      leaf: sections.length === 0,
    });
  }
  for (const s of sections) {
    pages.push({ id: `chapters/${slug}/${s.slug}`, mdx: s.mdx, chapter: slug, section: s.slug, title: readFrontmatter(s.mdx).title, sources: s.sources, leaf: true });
  }
  return { slug, dir, mdx, sources, sections, pages };
}

/** Every page of every chapter, in reading order. */
export function listPages(options: { fixtures?: boolean } = {}): Page[] {
  return listChapters(options).flatMap((c) => c.pages);
}

/** The page that tells about a source file: its section's page, else its chapter's (null if neither has prose). */
export function pageOf(path: string, options: { fixtures?: boolean } = {}): Page | null {
  const chapter = listChapters(options).find((c) => c.sources.includes(path));
  if (!chapter) return null;
  return chapter.pages.find((p) => p.section !== null && p.sources.includes(path)) ?? chapter.pages.find((p) => p.section === null) ?? null;
}

/** The URL of a page (site-absolute, trailing slash). */
export function pageHref(page: Page): string {
  return `/${page.id}/`;
}

/** A page's short name for links: `02-images` for a chapter, `02-images › store` for a section. */
export function pageLabel(page: Page): string {
  return page.section ? `${page.chapter} › ${page.section}` : page.chapter;
}

export interface Frontmatter {
  title: string | null;
  /** sidebar.label */
  label: string | null;
  /** sidebar.order */
  order: number | null;
}

/**
 * The few frontmatter fields the book's structure needs, read without a YAML
 * library (this module uses Node built-ins only): `title`, and `label` and
 * `order` under `sidebar`. Starlight reads the whole frontmatter itself.
 */
export function readFrontmatter(mdxPath: string): Frontmatter {
  const text = readFileSync(mdxPath, 'utf8');
  const block = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/.exec(text);
  const out: Frontmatter = { title: null, label: null, order: null };
  if (!block) return out;
  let parent = '';
  for (const line of block[1]!.split(/\r?\n/)) {
    const m = /^(\s*)([A-Za-z_][\w-]*):\s*(.*)$/.exec(line);
    if (!m) continue;
    const [, indent, key, raw] = m;
    if (indent === '') parent = raw === '' ? key! : '';
    const value = unquote(raw!.trim());
    const path = indent === '' ? key : `${parent}.${key}`;
    if (path === 'title') out.title = value;
    else if (path === 'sidebar.label') out.label = value;
    else if (path === 'sidebar.order' && /^-?\d+(\.\d+)?$/.test(value)) out.order = Number(value);
  }
  return out;
}

function unquote(value: string): string {
  if (value.startsWith('"')) {
    try {
      return JSON.parse(value) as string;
    } catch {
      return value.slice(1, -1);
    }
  }
  if (value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1).replace(/''/g, "'");
  return value;
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
  for (const page of chapters.flatMap((c) => c.pages)) {
    for (const u of scanDirectives(page.mdx)) {
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
  /** The page (chapter.mdx or section.mdx) that uses it, repo-relative, and the line. */
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

/** Every transcript file of the chapters (in `transcripts/` of a chapter or of a section), repo-relative. */
export function listTranscripts(options: { fixtures?: boolean } = {}): string[] {
  return listChapters(options).flatMap((c) =>
    [c.dir, ...c.sections.map((s) => s.dir)].flatMap((base) => {
      const dir = join(base, 'transcripts');
      if (!existsSync(dir)) return [];
      return readdirSync(dir)
        .filter((n) => n.endsWith('.txt'))
        .sort()
        .map((n) => repoPath(join(dir, n)));
    }),
  );
}

export const fileName = (path: string): string => basename(path);
