// listing.ts — the annotated listing of one source file, in the manner of
// docco: the file is cut into sections, each a block of prose (the column-0
// `//` comments, rendered as Markdown) above the code it explains. Every
// line keeps its real number and an anchor (#L17), so a region shown in a
// chapter can link to exactly where it lives. Region markers become thin
// labelled rules that link back to the chapter that shows the region.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { marked } from 'marked';
import { createHighlighter, type Highlighter } from 'shiki';
import { toHtml } from 'hast-util-to-html';
import type { Element, ElementContent, Root } from 'hast';
import { languageOf, listPages, pageHref, pageLabel, regionMarker, repoRoot, scanDirectives, type Page } from './sources.ts';

export const THEMES = { light: 'github-light', dark: 'github-dark' } as const;

let highlighter: Promise<Highlighter> | null = null;
function getHighlighter(): Promise<Highlighter> {
  highlighter ??= createHighlighter({ themes: [THEMES.light, THEMES.dark], langs: ['ts', 'js', 'sh', 'json', 'c'] });
  return highlighter;
}

type Part =
  | { kind: 'prose'; lines: number[]; markdown: string }
  | { kind: 'code'; lines: number[]; spacing?: number[] }
  | { kind: 'marker'; line: number; marker: 'start' | 'end'; name: string };

const PROSE_RE = /^\/\/(?: |$)/;

/** Cuts a file's lines into prose, code and region markers. */
export function sections(lines: string[]): Part[] {
  const parts: Part[] = [];
  const push = (kind: 'prose' | 'code', n: number) => {
    const last = parts.at(-1);
    if (last && last.kind === kind) last.lines.push(n);
    else parts.push(kind === 'prose' ? { kind, lines: [n], markdown: '' } : { kind, lines: [n] });
  };
  lines.forEach((line, i) => {
    const n = i + 1;
    const marker = regionMarker(line);
    if (marker) parts.push({ kind: 'marker', line: n, marker: marker.kind, name: marker.name });
    else if (PROSE_RE.test(line)) push('prose', n);
    else push('code', n);
  });
  for (const p of parts) {
    if (p.kind === 'prose') p.markdown = p.lines.map((n) => lines[n - 1]!.replace(/^\/\/ ?/, '')).join('\n');
    if (p.kind === 'code') {
      // Blank lines at a section's edges are only spacing: not shown, but
      // still anchored, so that every line of the file can be linked to.
      const spacing: number[] = [];
      while (p.lines.length && lines[p.lines[0]! - 1]!.trim() === '') spacing.push(p.lines.shift()!);
      while (p.lines.length && lines[p.lines.at(-1)! - 1]!.trim() === '') spacing.push(p.lines.pop()!);
      p.spacing = spacing;
    }
  }
  return parts;
}

/** Which pages show each region of a file: region name → pages. */
function regionReaders(file: string): Map<string, Page[]> {
  const readers = new Map<string, Page[]>();
  for (const page of listPages()) {
    for (const use of scanDirectives(page.mdx)) {
      if (use.kind !== 'region' || use.file !== file) continue;
      const key = use.name ?? '*';
      readers.set(key, [...(readers.get(key) ?? []), page].filter((v, i, a) => a.indexOf(v) === i));
    }
  }
  return readers;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

type Listing = { html: string; summary: string; lineCount: number };
const cache = new Map<string, Promise<Listing>>();

/** The listing's HTML (the page around it is the Starlight layout), rendered once a build. */
export function renderListing(file: string): Promise<Listing> {
  let listing = cache.get(file);
  if (!listing) cache.set(file, (listing = render(file)));
  return listing;
}

async function render(file: string): Promise<Listing> {
  const text = readFileSync(join(repoRoot, file), 'utf8').replace(/\n$/, '');
  const lines = text.split('\n');
  const hl = await getHighlighter();
  const hast = hl.codeToHast(text, { lang: languageOf(file), themes: THEMES, defaultColor: false }) as Root;
  const pre = hast.children.find((c): c is Element => c.type === 'element' && c.tagName === 'pre')!;
  const code = pre.children.find((c): c is Element => c.type === 'element' && c.tagName === 'code')!;
  const lineEls = code.children.filter((c): c is Element => c.type === 'element' && c.tagName === 'span');
  const preStyle = String(pre.properties.style ?? '');

  const readers = regionReaders(file);
  const out: string[] = [];
  const parts = sections(lines);
  for (const part of parts) {
    if (part.kind === 'prose') {
      const anchors = part.lines.map((n) => `<span class="skiff-anchor" id="L${n}"></span>`).join('');
      out.push(`<div class="skiff-prose">${anchors}${await marked.parse(part.markdown, { async: true })}</div>`);
    } else if (part.kind === 'marker') {
      const shownIn = readers.get(part.name) ?? [];
      const where = shownIn.length
        ? `shown in ${shownIn.map((p) => `<a href="${pageHref(p)}">chapter ${escapeHtml(pageLabel(p))}</a>`).join(', ')}`
        : 'not shown in any chapter yet';
      const label = part.marker === 'start' ? `region <strong>${escapeHtml(part.name)}</strong> · ${where}` : `end of region ${escapeHtml(part.name)}`;
      out.push(`<div class="skiff-marker skiff-marker-${part.marker} not-content" id="L${part.line}"><a class="skiff-marker-ln" href="#L${part.line}">${part.line}</a><span>${label}</span></div>`);
    } else {
      const spacing = (part.spacing ?? []).map((n) => `<span class="skiff-anchor" id="L${n}"></span>`).join('');
      if (part.lines.length === 0) {
        if (spacing) out.push(spacing);
        continue;
      }
      if (spacing) out.push(spacing);
      const rows = part.lines.map((n) => {
        const el = lineEls[n - 1];
        const inner = el ? toHtml(el.children as ElementContent[]) : '';
        return `<span class="line" id="L${n}"><a class="ln" href="#L${n}" aria-hidden="true" tabindex="-1">${n}</a><span class="src">${inner}</span></span>`;
      });
      out.push(`<pre class="skiff-code shiki not-content" style="${escapeHtml(preStyle)}" tabindex="0"><code>${rows.join('')}</code></pre>`);
    }
  }
  const firstProse = parts.find((p) => p.kind === 'prose');
  const name = file.split('/').pop()!;
  // The opening line of a file is "name.ts — what it is for": keep the second half.
  const summary =
    firstProse && firstProse.kind === 'prose'
      ? firstProse.markdown.split('\n\n')[0]!.replace(/\s+/g, ' ').replace(/`/g, '').trim().replace(new RegExp(`^${name.replace(/\./g, '\\.')}\\s+[—–-]+\\s+`), '')
      : '';
  return { html: `<div class="skiff-listing">${out.join('\n')}</div>`, summary, lineCount: lines.length };
}
