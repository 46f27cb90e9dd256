// The built book, read by a real browser (Debian's chromium, driven by
// playwright-core): every page reachable from the front page and the sitemap
// loads without console errors, every internal link and anchor resolves,
// every chapter and section page shows highlighted code with a file label,
// search finds `pivot_root`, and screenshots at desktop and phone widths are
// written for a person to look at.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
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

interface Visit {
  status: number;
  errors: string[];
  ids: Set<string>;
  links: string[];
}
const visits = new Map<string, Visit>();

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

async function visit(page: Page, path: string): Promise<Visit> {
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
  const { ids, links } = await page.evaluate(() => ({
    ids: [...document.querySelectorAll('[id]')].map((e) => e.id).concat([...document.querySelectorAll('a[name]')].map((e) => e.getAttribute('name')!)),
    // getAttribute, not .href: links inside inline SVG have no string .href.
    links: [...document.querySelectorAll('a[href]')].map((a) => new URL(a.getAttribute('href')!, location.href).href),
  }));
  page.off('console', onConsole);
  page.off('pageerror', onPageError);
  page.off('requestfailed', onFailed);
  return { status: response?.status() ?? 0, errors, ids: new Set(ids), links };
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

test('every page loads without console errors, and every internal link and anchor resolves', async () => {
  const page = await context.newPage();
  const fromSitemap = await sitemapPaths();
  assert.ok(fromSitemap.length > 3, 'the sitemap lists the pages');
  const queue = ['/', ...fromSitemap];
  const seen = new Set<string>();
  const anchors: { from: string; path: string; id: string }[] = [];
  const assets = new Map<string, string>(); // non-page link → page that links it
  while (queue.length) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const v = await visit(page, path);
    visits.set(path, v);
    for (const href of v.links) {
      let url: URL;
      try {
        url = new URL(href);
      } catch {
        v.errors.push(`a link that is not a URL: ${JSON.stringify(href)}`);
        continue;
      }
      if (url.origin !== server.url) continue;
      const target = url.pathname;
      if (url.hash && url.hash !== '#') anchors.push({ from: path, path: target, id: decodeURIComponent(url.hash.slice(1)) });
      if (target.endsWith('/')) queue.push(target);
      else assets.set(target, path);
    }
  }
  await page.close();

  const problems: string[] = [];
  for (const [path, v] of visits) {
    if (v.status !== 200) problems.push(`${path}: HTTP ${v.status}`);
    for (const e of v.errors) problems.push(`${path}: console: ${e}`);
  }
  for (const a of anchors) {
    const target = visits.get(a.path);
    if (target && target.status === 200 && !target.ids.has(a.id)) problems.push(`${a.from}: link to ${a.path}#${a.id}: no such anchor`);
  }
  for (const [asset, from] of assets) {
    const r = await fetch(server.url + asset);
    if (r.status !== 200) problems.push(`${from}: link to ${asset}: HTTP ${r.status}`);
  }
  console.log(`browser: visited ${visits.size} pages, checked ${anchors.length} anchors and ${assets.size} other links`);
  assert.deepEqual(problems, [], `problems found:\n${problems.join('\n')}`);
  assert.ok(visits.has('/overview/'), 'the overview is reachable');
  // Every page of every chapter, sections included, was reached and loaded.
  const unvisited = listPages({ fixtures: false }).map((p) => `/${p.id}/`).filter((p) => visits.get(p)?.status !== 200);
  assert.deepEqual(unvisited, [], 'chapter and section pages the crawl did not load');
});

test('every chapter and section page shows highlighted code under a file label', async () => {
  const pages = listPages({ fixtures: false });
  assert.ok(pages.length > 0, 'at least one chapter has prose');
  const page = await context.newPage();
  const problems: string[] = [];
  for (const p of pages) {
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
  const firstListing = [...visits.keys()].find((p) => p.startsWith('/source/') && p !== '/source/');
  const firstApi = [...visits.keys()].find((p) => p.startsWith('/api/'));
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
