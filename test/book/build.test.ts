// The book builds from a clean clone, renders every chapter and every source
// file, resolves code by reference with real line numbers, and refuses to
// build when a chapter names a region that does not exist.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/executables.ts';
import { builtPages, ensureBookBuilt, runAstroBuild } from './book-build.ts';
import { extractRegion, listChapters, listingHref, listPages } from '../../site/lib/sources.ts';

const page = (dir: string, path: string) => readFileSync(join(dir, path, 'index.html'), 'utf8');

/** The text of every element matching a simple class selector, in order (enough for our own markup). */
function gutterNumbers(figureHtml: string): number[] {
  return [...figureHtml.matchAll(/<div class="ln(?: gap)?" aria-hidden="true">(\d+)<\/div>/g)].map((m) => Number(m[1]));
}

function figures(html: string, cls: string): string[] {
  const out: string[] = [];
  let at = html.indexOf(`<figure class="${cls}"`);
  while (at >= 0) {
    // Figures do not nest in our markup: the first closing tag ends it.
    const end = html.indexOf('</figure>', at);
    out.push(html.slice(at, end + '</figure>'.length));
    at = html.indexOf(`<figure class="${cls}"`, end);
  }
  return out;
}

test('the book builds and prints its build time and page weight', () => {
  const { dir: distDir, output, reused } = ensureBookBuilt();
  const report = output.split('\n').filter((l) => l.includes('[skiff-weigh]'));
  for (const line of report) console.log(line.replace(/^.*\[skiff-weigh\]\s?/, 'book: '));
  if (reused) console.log('book: (reused the build made earlier in this run: nothing it is built from has changed)');
  assert.match(output, /book built in [\d.]+ s: \d+ pages, \d+ files, [\d.]+ KiB in all/);
  assert.match(output, /heaviest pages/);
  assert.ok(existsSync(join(distDir, 'index.html')), 'front page');
  assert.ok(existsSync(join(distDir, 'sitemap-index.xml')), 'sitemap');
  assert.ok(existsSync(join(distDir, 'pagefind', 'pagefind.js')), 'search index');
});

test('every page of the chapters names its files, and a chapter or section page ends with "Run it" and "Exercises"', () => {
  const distDir = ensureBookBuilt().dir;
  const pages = listPages({ fixtures: false });
  assert.ok(pages.length > 0, 'at least one chapter has a chapter.mdx');
  for (const p of pages) {
    const html = page(distDir, p.id);
    const h2 = [...html.matchAll(/<h2 id="([^"]+)"/g)].map((m) => m[1]);
    if (p.leaf) assert.deepEqual(h2.slice(-2), ['run-it', 'exercises'], `${p.id}: its last two sections are "Run it" then "Exercises" (has: ${h2.join(', ')})`);
    for (const s of p.sources) assert.ok(html.includes(`href="${listingHref(s)}"`), `${p.id}: page links the listing of ${s}`);
  }
  // Every file is named on exactly one page: its section's, or its chapter's.
  for (const c of listChapters({ fixtures: false }).filter((c) => c.mdx)) {
    assert.deepEqual(c.pages.flatMap((p) => p.sources).sort(), [...c.sources].sort(), `${c.slug}: every file on one page`);
  }
});

test('every source file under chapters/ has an annotated listing with line anchors', () => {
  const distDir = ensureBookBuilt().dir;
  const pages = new Set(builtPages(distDir));
  const missing: string[] = [];
  for (const c of listChapters({ fixtures: false })) {
    for (const s of c.sources) {
      const href = listingHref(s);
      if (!pages.has(href)) {
        missing.push(s);
        continue;
      }
      const html = page(distDir, href);
      const lines = readFileSync(join(repoRoot, s), 'utf8').replace(/\n$/, '').split('\n').length;
      assert.ok(html.includes(`id="L${lines}"`), `${href} anchors its last line, L${lines}`);
    }
  }
  assert.deepEqual(missing, [], 'source files without a listing page');
});

test('the overview draws the architecture as inline SVG, each box a link', () => {
  const distDir = ensureBookBuilt().dir;
  const html = page(distDir, 'overview');
  const svg = html.slice(html.indexOf('<svg viewBox="0 0 600 600"'), html.indexOf('</svg>', html.indexOf('<svg viewBox="0 0 600 600"')));
  assert.ok(svg.length > 0, 'inline architecture SVG');
  for (const box of ['client', 'daemon', 'shim', 'runtime', 'registry', 'Linux kernel']) assert.match(svg, new RegExp(`>\\s*${box}\\s*</text>`), box);
  const hrefs = [...svg.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1]!);
  assert.ok(hrefs.length >= 7, 'every box links somewhere');
  for (const c of listChapters({ fixtures: false })) {
    if (c.mdx && ['01', '02', '03', '04', '05'].includes(c.slug.slice(0, 2))) assert.ok(hrefs.includes(`/chapters/${c.slug}/`), `links ${c.slug}`);
  }
  assert.ok(html.includes('id="roadmap"'), 'a roadmap section for chapters still to come');
  assert.ok(!/<script[^>]+src="https?:/.test(html) && !/<img[^>]+src="https?:/.test(html), 'nothing fetched from the network');
});

test('the API reference is generated for every chapter with a public module', () => {
  const distDir = ensureBookBuilt().dir;
  const publicModules = listChapters({ fixtures: false }).filter((c) => existsSync(join(c.dir, 'index.ts')));
  if (publicModules.length === 0) {
    assert.ok(!existsSync(join(distDir, 'api')), 'no API pages without public modules');
    return;
  }
  const api = builtPages(distDir).filter((p) => p.startsWith('/api/'));
  assert.ok(api.length > 0, 'API pages exist');
  // One public module is documented at /api/ itself; several get a section each.
  if (publicModules.length > 1) for (const c of publicModules) {
    assert.ok(api.some((p) => p.includes(c.slug)), `API reference covers ${c.slug} (pages: ${api.slice(0, 5).join(', ')}…)`);
  }
});

// The fixture chapter (site/test-fixtures) has a region with a nested region
// inside and regions further down the file: the real-line-number cases.
test('a region is shown with its real line numbers, nested markers removed, linked to its listing', () => {
  const out = join(repoRoot, 'test-output', `book-fixture-${process.pid}`);
  rmSync(out, { recursive: true, force: true });
  const r = runAstroBuild({ SKIFF_BOOK_FIXTURES: 'only' }, ['--outDir', out]);
  assert.equal(r.status, 0, r.output.split('\n').slice(-40).join('\n'));
  const html = page(out, 'chapters/00-fixture');
  const shown = figures(html, 'skiff-region');
  assert.equal(shown.length, 2);
  const file = 'site/test-fixtures/chapters/00-fixture/sample.ts';
  for (const [fig, name] of [[shown[0]!, 'greet'], [shown[1]!, 'hash']] as const) {
    const region = extractRegion(file, name);
    assert.deepEqual(gutterNumbers(fig), region.lineNumbers, `${name}: gutter shows the file's own line numbers`);
    assert.ok(fig.includes(`href="${listingHref(file)}#L${region.lineNumbers[0]}"`), `${name}: caption links the listing at its first line`);
    assert.ok(fig.includes(`>${file}</a>`), `${name}: caption names the file`);
    assert.ok(!fig.includes('#region') && !fig.includes('#endregion'), `${name}: no region markers shown`);
  }
  assert.deepEqual(extractRegion(file, 'greet').lineNumbers, [11, 12, 14, 16, 17]);
  assert.ok(page(out, 'source/00-fixture/sample.ts').includes('id="L11"'), 'the listing has the anchor the caption links to');
  const terminal = figures(html, 'skiff-transcript');
  assert.equal(terminal.length, 1, 'the transcript is shown');
  assert.match(terminal[0]!, /is-terminal/, 'as a terminal window');

  // A section (a sub-folder with a section.mdx) is a page of its own, after
  // its chapter's introduction in the sidebar, with its own files and code.
  const section = page(out, 'chapters/00-fixture/tally');
  const tally = 'site/test-fixtures/chapters/00-fixture/tally/tally.ts';
  const [fig] = figures(section, 'skiff-region');
  assert.ok(fig && fig.includes(`>${tally}</a>`), 'the section shows its region');
  assert.deepEqual(gutterNumbers(fig!), extractRegion(tally, 'tally').lineNumbers);
  const fileList = (h: string) => h.slice(h.indexOf('<details class="skiff-chapter-files"'), h.indexOf('</details>', h.indexOf('<details class="skiff-chapter-files"')));
  assert.ok(fileList(section).includes(`href="${listingHref(tally)}"`), 'the section names its file under its title');
  assert.ok(!fileList(html).includes(`href="${listingHref(tally)}"`), "the chapter's introduction names only the files outside its sections");
  assert.ok(fileList(html).includes(`href="${listingHref(file)}"`), "the chapter's introduction names its own files");
  const sidebar = section.slice(section.indexOf('aria-label="Main"'), section.indexOf('</nav>', section.indexOf('aria-label="Main"')));
  const links = [...sidebar.matchAll(/href="(\/chapters\/[^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(links, ['/chapters/00-fixture/', '/chapters/00-fixture/tally/'], 'the sidebar lists the chapter, then its section');
  assert.match(sidebar, /<summary[^>]*>[\s\S]*00 · Fixture/, "the part's group is labelled with the chapter's title");
  const listing = page(out, 'source/00-fixture/tally/tally.ts');
  assert.ok(listing.includes('href="/chapters/00-fixture/tally/"'), "the listing links the section's page");
  rmSync(out, { recursive: true, force: true });
});

test('an unknown region or directive fails the build with a one-line reason', () => {
  const base = `test-output/book-broken-${process.pid}`;
  const root = join(repoRoot, base, 'chapters');
  const chapter = join(root, '98-broken');
  rmSync(join(repoRoot, base), { recursive: true, force: true });
  mkdirSync(chapter, { recursive: true });
  writeFileSync(
    join(chapter, 'chapter.mdx'),
    '---\ntitle: Broken\n---\n\nA chapter that names a region nobody marked:\n\n::region{file="site/test-fixtures/chapters/00-fixture/sample.ts" name="nope"}\n',
  );
  const out = join(repoRoot, base, 'dist');
  try {
    const r = runAstroBuild({ SKIFF_BOOK_FIXTURES: 'only', SKIFF_BOOK_EXTRA_CHAPTERS: `${base}/chapters` }, ['--outDir', out]);
    assert.notEqual(r.status, 0, 'the build fails');
    assert.match(r.output, /98-broken\/chapter\.mdx:7: ::region: no region "nope" in site\/test-fixtures\/chapters\/00-fixture\/sample\.ts \(its regions: greet, body, hash\)/);
  } finally {
    rmSync(join(repoRoot, base), { recursive: true, force: true });
  }
});

test('an unknown file is refused with the path it was given', () => {
  assert.throws(() => extractRegion('chapters/01-namespaces/nope.ts', 'load'), /no such file "chapters\/01-namespaces\/nope\.ts"/);
  assert.throws(() => extractRegion('../etc/passwd', null), /inside the repository/);
});
