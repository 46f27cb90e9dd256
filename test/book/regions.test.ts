// Every region marked in a chapter's sources is shown by some page of the
// chapters (a chapter.mdx or a section.mdx), and every source file is shown
// at least in part: code that the book never shows is code nobody was told
// about (coverage.test.ts counts the lines). The failure lists exactly what
// is missing, so an author can fix it in one pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listChapters, parseRegions, repoRoot, scanDirectives } from '../../site/lib/sources.ts';

const chapters = listChapters({ fixtures: false });
const shown = chapters.flatMap((c) => c.pages.flatMap((p) => scanDirectives(p.mdx))).filter((u) => u.kind === 'region');
const isShown = (file: string, name: string | null) => shown.some((u) => u.file === file && (u.name === name || u.name === null));

test('the chapters have source files to show', () => {
  assert.ok(chapters.some((c) => c.sources.length > 0), 'no source files under chapters/');
});

test('every // #region in chapters/ is shown by a chapter', () => {
  const unshown: string[] = [];
  const broken: string[] = [];
  for (const c of chapters) {
    for (const file of c.sources) {
      let regions;
      try {
        regions = parseRegions(readFileSync(join(repoRoot, file), 'utf8'), file);
      } catch (e) {
        broken.push((e as Error).message);
        continue;
      }
      for (const r of regions) if (!isShown(file, r.name)) unshown.push(`${file}:${r.startMarker} region "${r.name}"`);
    }
  }
  if (broken.length) assert.fail(`badly marked regions:\n  ${broken.join('\n  ')}`);
  if (unshown.length) assert.fail(`${unshown.length} region(s) that no page shows with ::region:\n  ${unshown.join('\n  ')}`);
});

test('every source file under chapters/ has a listing and is shown at least in part', () => {
  const unshown: string[] = [];
  for (const c of chapters) {
    for (const file of c.sources) {
      if (!shown.some((u) => u.file === file)) {
        const regions = parseRegions(readFileSync(join(repoRoot, file), 'utf8'), file);
        unshown.push(`${file} (${regions.length ? `regions: ${regions.map((r) => r.name).join(', ')}` : 'no regions marked'})`);
      }
    }
  }
  // The listing pages are made for exactly these files (see site/src/pages/source):
  // the build test checks that each one exists in the built site.
  if (unshown.length) assert.fail(`${unshown.length} source file(s) that no chapter shows any part of:\n  ${unshown.join('\n  ')}`);
});

test('every ::region a page shows names a region its file marks', () => {
  const broken = shown.filter((u) => {
    try {
      return u.name !== null && !parseRegions(readFileSync(join(repoRoot, u.file), 'utf8'), u.file).some((r) => r.name === u.name);
    } catch {
      return true; // no such file, or its regions badly marked
    }
  });
  assert.deepEqual(broken.map((u) => `${u.from}:${u.line} ${u.file} "${u.name}"`), [], 'directives that point at nothing');
});
