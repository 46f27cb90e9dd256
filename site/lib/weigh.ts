// weigh.ts — an Astro integration that prints, after a build, how long it
// took and what the pages weigh: the whole site in bytes, and the heaviest
// pages counting their HTML plus the CSS, JS and images they load from the
// site itself. Printed, never asserted: no test depends on a duration.

import type { AstroIntegration } from 'astro';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

export function weigh(dir: string): { total: number; files: number; pages: { page: string; bytes: number; gzipped: number }[] } {
  const files = walk(dir);
  const total = files.reduce((sum, f) => sum + statSync(f).size, 0);
  const assetSizes = new Map<string, { raw: number; gzipped: number }>();
  const pages = files
    .filter((f) => f.endsWith('.html'))
    .map((f) => {
      const html = readFileSync(f, 'utf8');
      let bytes = Buffer.byteLength(html);
      let gzipped = gzipSync(html).length;
      const assets = new Set<string>();
      for (const m of html.matchAll(/(?:href|src)="(\/[^"#?]+\.(?:css|js|svg|png|jpg|webp|woff2?))"/g)) assets.add(m[1]!);
      for (const a of assets) {
        const p = join(dir, a);
        if (!existsSync(p)) continue;
        let size = assetSizes.get(p);
        if (!size) {
          const content = readFileSync(p);
          assetSizes.set(p, (size = { raw: content.length, gzipped: gzipSync(content).length }));
        }
        bytes += size.raw;
        gzipped += size.gzipped;
      }
      return { page: '/' + relative(dir, f).replace(/index\.html$/, ''), bytes, gzipped };
    })
    .sort((a, b) => b.bytes - a.bytes);
  return { total, files: files.length, pages };
}

export default function weighIntegration(): AstroIntegration {
  let started = 0;
  return {
    name: 'skiff-weigh',
    hooks: {
      'astro:config:setup': () => {
        started = performance.now();
      },
      'astro:build:done': ({ dir, logger }) => {
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        const w = weigh(fileURLToPath(dir));
        logger.info(`book built in ${seconds} s: ${w.pages.length} pages, ${w.files} files, ${kb(w.total)} in all`);
        logger.info('heaviest pages (HTML + the CSS/JS/images they load; as sent gzipped):');
        for (const p of w.pages.slice(0, 5)) logger.info(`  ${kb(p.bytes).padStart(10)} (${kb(p.gzipped).padStart(9)})  ${p.page}`);
      },
    },
  };
}
