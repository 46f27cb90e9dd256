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
// chapters gain one (the SDK of chapter 04 above all).
const entryPoints = chapters.map((c) => join(c.dir, 'index.ts')).filter((p) => existsSync(p));

// The reference is generated afresh each build: no page of a module that is gone.
const apiDir = join(repoRoot, 'site/src/content/docs/api');
if (!process.argv.includes('preview')) rmSync(apiDir, { recursive: true, force: true });

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
        // Chapter pages live outside src/content/docs, so they are listed by hand, in order.
        { label: 'Chapters', items: chapters.filter((c) => c.mdx).map((c) => `chapters/${c.slug}`) },
        sourceSidebar,
        ...(entryPoints.length ? [typeDocSidebarGroup] : []),
      ],
    }),
    weigh(),
  ],
});
