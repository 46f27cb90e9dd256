// One docs collection for Starlight, read from two places: the site's own
// pages (src/content/docs: the front page, the overview, the generated API
// reference) and the chapters' prose, chapters/NN-*/chapter.mdx and each
// section's chapters/NN-*/SECTION/section.mdx, which stay next to the code
// they explain. Chapter pages get the id chapters/NN-name, section pages
// chapters/NN-name/SECTION.
import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { docsSchema } from '@astrojs/starlight/schema';
import { slug } from 'github-slugger';
import { extraChapterRoots, onlyFixtures, repoRoot, withFixtures } from '../lib/sources.ts';

const SITE_DOCS = 'site/src/content/docs/';

const patterns = [`${SITE_DOCS}**/[^_]*.{md,mdx}`];
const chapterPages = (root: string) => [`${root}/[0-9][0-9]-*/chapter.mdx`, `${root}/[0-9][0-9]-*/*/section.mdx`];
if (!onlyFixtures()) patterns.push(...chapterPages('chapters'));
if (withFixtures()) {
  for (const root of ['site/test-fixtures/chapters', ...extraChapterRoots()]) patterns.push(...chapterPages(root));
}

function generateId({ entry, data }: { entry: string; data: Record<string, unknown> }): string {
  if (typeof data.slug === 'string') return data.slug;
  const chapter = /(?:^|\/)chapters\/(\d\d-[^/]+)\/chapter\.mdx$/.exec(entry);
  if (chapter) return `chapters/${chapter[1]}`;
  const section = /(?:^|\/)chapters\/(\d\d-[^/]+)\/([^/]+)\/section\.mdx$/.exec(entry);
  if (section) return `chapters/${section[1]}/${section[2]}`;
  // Starlight's own rule: each path segment slugified, the extension dropped.
  const path = entry.slice(SITE_DOCS.length).replace(/\.mdx?$/, '');
  return path
    .split('/')
    .map((segment) => slug(segment))
    .join('/');
}

export const collections = {
  docs: defineCollection({
    loader: glob({ base: repoRoot, pattern: patterns, generateId }),
    schema: docsSchema(),
  }),
};
