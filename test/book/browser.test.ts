// The built book, checked the way a reader meets it. Every page reachable
// from the front page and the sitemap is fetched and parsed (htmlparser2):
// it answers 200, every internal link, anchor and asset it names resolves.
// A real browser (Debian's chromium, driven by playwright-core) then loads
// the pages of every kind — each hand-written page, and the first source
// listing and API page of each chapter, which share their template with the
// rest — without console errors; every chapter and section page shows
// highlighted code with a file label, search finds `pivot_root`, and
// screenshots at desktop and phone widths are written for a person to look at.
// Loading all ~700 pages in the browser took five minutes of the suite for
// what the parse proves of the other listings in seconds.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from 'htmlparser2';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot } from '../helpers/executables.ts';
import { ensureBookBuilt } from './book-build.ts';
import { serveStatic, type StaticServer } from './static-server.ts';
import { listPages } from '../../site/lib/sources.ts';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const screenshots = join(repoRoot, 'test-output', 'screenshots');

let server: StaticServer;
let browser: Browser;
let context: BrowserContext;

/** What a page's HTML says: its anchors, its links, the files it loads. */
interface PageFacts {
  status: number;
  ids: Set<string>;
  links: string[];
  assets: string[];
}
const pages = new Map<string, PageFacts>();

before(async () => {
  server = await serveStatic(ensureBookBuilt().dir);
  // launch() starts chromium with a fresh, temporary user-data-dir of its own.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // Nothing but the book's own server: any other request is an error.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(server.url) || url.startsWith('data:')) return route.continue();
    return route.abort('blockedbyclient');
  });
});

after(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

/** The attributes that make the browser fetch something when the page loads. */
const ASSET_ATTRIBUTES: Record<string, string> = { script: 'src', img: 'src', link: 'href', source: 'src', iframe: 'src' };

async function readPage(path: string): Promise<PageFacts> {
  const response = await fetch(server.url + path);
  const html = await response.text();
  const base = server.url + path;
  const facts: PageFacts = { status: response.status, ids: new Set(), links: [], assets: [] };
  const parser = new Parser({
    onopentag(name, attrs) {
      if (attrs.id) facts.ids.add(attrs.id);
      if (name === 'a' && attrs.name) facts.ids.add(attrs.name);
      if (name === 'a' && attrs.href !== undefined) facts.links.push(resolveHref(attrs.href, base));
      const asset = ASSET_ATTRIBUTES[name];
      // rel=canonical and rel=sitemap are addresses, not files the page loads.
      if (asset && attrs[asset] && !(name === 'link' && /\b(canonical|sitemap|alternate)\b/.test(attrs.rel ?? ''))) facts.assets.push(resolveHref(attrs[asset]!, base));
    },
  });
  parser.end(html);
  return facts;
}

/** An absolute URL for an href, or the href itself (marked) when it is not one. */
function resolveHref(href: string, base: string): string {
  try {
    return new URL(href, base).href;
  } catch {
    return `not-a-url:${href}`;
  }
}

async function sitemapPaths(): Promise<string[]> {
  const index = await (await fetch(`${server.url}/sitemap-index.xml`)).text();
  const paths: string[] = [];
  for (const loc of index.matchAll(/<loc>([^<]+)<\/loc>/g)) {
    const xml = await (await fetch(server.url + new URL(loc[1]!).pathname)).text();
    for (const m of xml.matchAll(/<loc>([^<]+)<\/loc>/g)) paths.push(new URL(m[1]!).pathname);
  }
  return paths;
}

test('every page answers, and every internal link, anchor and asset it names resolves', async () => {
  const fromSitemap = await sitemapPaths();
  assert.ok(fromSitemap.length > 3, 'the sitemap lists the pages');
  const queue = ['/', ...fromSitemap];
  const queued = new Set(queue); // every page names the whole sidebar: queue each path once
  const anchors: { from: string; path: string; id: string }[] = [];
  const files = new Map<string, string>(); // a linked or loaded file that is not a page → a page naming it
  const problems: string[] = [];
  while (queue.length) {
    const path = queue.shift()!;
    const facts = await readPage(path);
    pages.set(path, facts);
    if (facts.status !== 200) problems.push(`${path}: HTTP ${facts.status}`);
    for (const href of [...facts.links, ...facts.assets]) {
      if (href.startsWith('not-a-url:')) {
        problems.push(`${path}: a link that is not a URL: ${JSON.stringify(href.slice(10))}`);
        continue;
      }
      const url = new URL(href);
      if (url.origin !== server.url) continue;
      const target = url.pathname;
      if (url.hash && url.hash !== '#') anchors.push({ from: path, path: target, id: decodeURIComponent(url.hash.slice(1)) });
      if (!target.endsWith('/')) files.set(target, path);
      else if (!queued.has(target)) {
        queued.add(target);
        queue.push(target);
      }
    }
  }
  for (const a of anchors) {
    const target = pages.get(a.path);
    if (target && target.status === 200 && !target.ids.has(a.id)) problems.push(`${a.from}: link to ${a.path}#${a.id}: no such anchor`);
  }
  for (const [file, from] of files) {
    const r = await fetch(server.url + file);
    await r.arrayBuffer();
    if (r.status !== 200) problems.push(`${from}: link to ${file}: HTTP ${r.status}`);
  }
  console.log(`book: read ${pages.size} pages, checked ${anchors.length} anchors and ${files.size} other files`);
  assert.deepEqual(problems, [], `problems found:\n${problems.join('\n')}`);
  assert.ok(pages.has('/overview/'), 'the overview is reachable');
  // Every page of every chapter, sections included, was reached.
  const unreached = listPages({ fixtures: false }).map((p) => `/${p.id}/`).filter((p) => pages.get(p)?.status !== 200);
  assert.deepEqual(unreached, [], 'chapter and section pages the crawl did not reach');
});

/** Each hand-written page, and the first generated page of each kind and chapter (listings and API pages share one template each). */
function pagesOfEveryKind(): string[] {
  const all = [...pages.keys()].sort();
  const generated = (path: string) => /^\/(source|api)\/[^/]+\/./.test(path);
  const firstOfKind = new Map<string, string>();
  for (const path of all.filter(generated)) {
    const kind = path.split('/').slice(1, 3).join('/');
    if (!firstOfKind.has(kind)) firstOfKind.set(kind, path);
  }
  return [...all.filter((p) => !generated(p)), ...firstOfKind.values()];
}

async function consoleErrors(page: Page, path: string): Promise<string[]> {
  const errors: string[] = [];
  const onConsole = (m: { type(): string; text(): string }) => {
    if (m.type() === 'error') errors.push(m.text());
  };
  const onPageError = (e: Error) => errors.push(e.message);
  const onFailed = (r: { url(): string; failure(): { errorText: string } | null }) => {
    // ERR_ABORTED: a preload or favicon still in flight when the next page
    // started; a missing file shows up as a console error (HTTP 404) instead.
    const why = r.failure()?.errorText ?? '';
    if (why !== 'net::ERR_ABORTED') errors.push(`request failed: ${r.url()} (${why})`);
  };
  page.on('console', onConsole);
  page.on('pageerror', onPageError);
  page.on('requestfailed', onFailed);
  const response = await page.goto(server.url + path, { waitUntil: 'load' });
  page.off('console', onConsole);
  page.off('pageerror', onPageError);
  page.off('requestfailed', onFailed);
  if (response?.status() !== 200) errors.push(`HTTP ${response?.status()}`);
  return errors;
}

test('pages of every kind load in a browser without console errors', async () => {
  const paths = pagesOfEveryKind();
  assert.ok(paths.some((p) => p.startsWith('/source/01-')) && paths.some((p) => p.startsWith('/api/01-')), 'a listing and an API page are among them');
  const page = await context.newPage();
  const problems: string[] = [];
  for (const path of paths) for (const e of await consoleErrors(page, path)) problems.push(`${path}: console: ${e}`);
  await page.close();
  console.log(`browser: loaded ${paths.length} pages of ${pages.size}`);
  assert.deepEqual(problems, [], problems.join('\n'));
});

test('every chapter and section page shows highlighted code under a file label', async () => {
  const chapterPages = listPages({ fixtures: false });
  assert.ok(chapterPages.length > 0, 'at least one chapter has prose');
  const page = await context.newPage();
  const problems: string[] = [];
  for (const p of chapterPages) {
    await page.goto(`${server.url}/${p.id}/`);
    const found = await page.evaluate(() =>
      [...document.querySelectorAll('figure.skiff-region')].map((fig) => {
        const label = fig.querySelector('figcaption a.skiff-file');
        const spans = [...fig.querySelectorAll('.expressive-code pre code span')];
        // Highlighted: tokens drawn in more than one colour.
        const colours = new Set(spans.map((s) => getComputedStyle(s).color));
        return { label: label?.textContent ?? '', href: label?.getAttribute('href') ?? '', colours: colours.size };
      }),
    );
    if (found.length === 0) problems.push(`${p.id}: no code shown by ::region`);
    for (const f of found) {
      if (!f.label || !f.href.startsWith('/source/')) problems.push(`${p.id}: a region without a file label linking its listing`);
      if (f.colours < 2) problems.push(`${p.id}: region of ${f.label} is not highlighted`);
    }
  }
  await page.close();
  assert.deepEqual(problems, [], problems.join('\n'));
});

test('search finds pivot_root', async () => {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${server.url}/`);
  await page.click('button[data-open-modal]');
  await page.fill('#starlight__search input', 'pivot_root');
  const results = page.locator('#starlight__search .pagefind-ui__result-link');
  await results.first().waitFor({ timeout: 30_000 });
  const titles = await results.allTextContents();
  console.log(`search: pivot_root → ${titles.slice(0, 5).join(' | ')}`);
  assert.ok(titles.length > 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('screenshots at desktop and phone widths', async () => {
  rmSync(screenshots, { recursive: true, force: true });
  mkdirSync(screenshots, { recursive: true });
  const chapterPaths = listPages({ fixtures: false }).map((p) => `/${p.id}/`);
  const firstListing = [...pages.keys()].find((p) => p.startsWith('/source/') && p !== '/source/');
  const firstApi = [...pages.keys()].find((p) => p.startsWith('/api/'));
  const paths = ['/', '/overview/', ...chapterPaths, '/source/', firstListing, firstApi].filter((p): p is string => !!p);
  const written: string[] = [];
  for (const [device, viewport] of [
    ['desktop', { width: 1280, height: 800 }],
    ['phone', { width: 390, height: 844 }],
  ] as const) {
    const ctx = await browser.newContext({ viewport, deviceScaleFactor: 1, isMobile: device === 'phone' });
    const page = await ctx.newPage();
    for (const path of paths) {
      await page.goto(server.url + path);
      const name = `${device}-${path.replace(/^\/|\/$/g, '').replace(/[/.]/g, '_') || 'front'}.png`;
      // Whole pages for the short ones; the first screen of the long ones.
      await page.screenshot({ path: join(screenshots, name), fullPage: path === '/' || path === '/overview/' });
      written.push(name);
    }
    // A chapter page scrolled to its first region, where the reading happens.
    if (chapterPaths[0]) {
      await page.goto(server.url + chapterPaths[0]);
      const region = page.locator('figure.skiff-region').first();
      if (await region.count()) {
        await region.scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(screenshots, `${device}-first-region.png`) });
        written.push(`${device}-first-region.png`);
      }
    }
    await ctx.close();
  }
  console.log(`screenshots: ${written.length} written to ${screenshots}`);
  assert.ok(written.length >= 2 * paths.length);
});
