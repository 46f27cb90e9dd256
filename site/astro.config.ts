// The Skiff book. Chapters come from ../chapters/NN-*/chapter.mdx (see
// src/content.config.ts), code is pulled in by reference (lib/remark-skiff),
// every source file gets an annotated listing (src/pages/source/), and the
// public modules get an API reference from TypeDoc.

import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig, passthroughImageService } from 'astro/config';
import starlight from '@astrojs/starlight';
import starlightTypeDoc, { typeDocSidebarGroup } from 'starlight-typedoc';
import remarkSkiff from './lib/remark-skiff.ts';
import { pluginSourceLines } from './lib/ec-source-lines.ts';
import { pluginTranscript } from './lib/ec-transcript.ts';
import { THEMES } from './lib/listing.ts';
import { fileName, listChapters, listingHref, repoPath, repoRoot } from './lib/sources.ts';
import weigh from './lib/weigh.ts';

const chapters = listChapters();

// The public module of a chapter is its index.ts; the API reference grows as
// chapters gain one (the SDK of chapter 04 above all). A section's index.ts
// is not documented apart: it is the section's surface inside its chapter,
// and what later chapters may use of it, the chapter's index.ts exports
// again (a later chapter imports only through that door), so the reference
// lists each public name once, where a reader may import it from.
const entryPoints = chapters.map((c) => join(c.dir, 'index.ts')).filter((p) => existsSync(p));

// The reference is generated afresh each build: no page of a module that is gone.
const apiDir = join(repoRoot, 'site/src/content/docs/api');
if (!process.argv.includes('preview')) rmSync(apiDir, { recursive: true, force: true });

/** A chapter in the sidebar: one link, or a part's group of pages. */
function chapterSidebar(c: (typeof chapters)[number]) {
  if (c.sections.length === 0) return c.mdx ? [c.pages[0]!.id] : [];
  return [{ label: c.pages.find((p) => p.section === null)?.title ?? c.slug, collapsed: false, items: c.pages.map((p) => p.id) }];
}

const sourceSidebar = {
  label: 'Source listings',
  collapsed: true,
  items: [
    { label: 'All files', link: '/source/' },
    ...chapters
      .filter((c) => c.sources.length > 0)
      .map((c) => ({
        label: c.slug,
        collapsed: true,
        items: c.sources.map((s) => ({ label: s.slice(`${repoPath(c.dir)}/`.length) || fileName(s), link: listingHref(s) })),
      })),
  ],
};

export default defineConfig({
  site: process.env.SKIFF_BOOK_SITE ?? 'http://localhost:4321',
  trailingSlash: 'always',
  // No sharp, no network: images are served as they are.
  image: { service: passthroughImageService() },
  markdown: { remarkPlugins: [remarkSkiff] },
  vite: { server: { fs: { allow: [repoRoot] } } },
  integrations: [
    starlight({
      title: 'Skiff',
      description: 'A Docker-compatible container engine in TypeScript, written as a book.',
      logo: { src: './src/assets/skiff.svg', alt: 'Skiff' },
      customCss: ['./src/styles/book.css'],
      lastUpdated: false,
      pagination: true,
      components: { PageTitle: './src/components/PageTitle.astro' },
      expressiveCode: {
        themes: [THEMES.dark, THEMES.light],
        plugins: [pluginSourceLines(), pluginTranscript()],
        styleOverrides: { borderRadius: '0 0 0.4rem 0.4rem', codeFontSize: '0.85rem' },
      },
      plugins: entryPoints.length
        ? [
            starlightTypeDoc({
              entryPoints,
              tsconfig: join(repoRoot, 'site/tsconfig.typedoc.json'),
              output: 'api',
              // One public module is documented at the top of the reference: name its chapter.
              sidebar: {
                label: entryPoints.length === 1 ? `API reference · ${chapters.find((c) => entryPoints[0]!.startsWith(c.dir))!.slug}` : 'API reference',
                collapsed: true,
              },
              typeDoc: {
                excludePrivate: true,
                // tsc over the whole tree is the type gate; the book documents what is there.
                skipErrorChecking: true,
                excludeInternal: true,
                readme: 'none',
                // starlight-typedoc drops every module's README.md page when there
                // are several entry points, yet the reference's front page links to
                // them; naming module pages overview.md keeps those pages.
                entryFileName: 'overview',
                name: 'Skiff API reference',
                disableSources: true,
              },
            }),
          ]
        : [],
      sidebar: [
        { label: 'Start here', items: [{ label: 'Welcome', link: '/' }, 'overview'] },
        // Chapter pages live outside src/content/docs, so they are listed by hand, in order;
        // a chapter with sections is a group: its introduction, then its sections.
        { label: 'Chapters', items: chapters.flatMap(chapterSidebar) },
        sourceSidebar,
        ...(entryPoints.length ? [typeDocSidebarGroup] : []),
      ],
    }),
    weigh(),
  ],
});
