// remark-skiff.ts — the book's two leaf directives, resolved at build time.
//
//   ::region{file="chapters/01-namespaces/libc.ts" name="load"}
//   ::transcript{file="chapters/01-namespaces/transcripts/hello.txt"}
//
// A region becomes a figure: a caption with the file's path (linking to its
// annotated listing, at the region's first line) and the code, highlighted by
// Expressive Code with the file's REAL line numbers. A transcript becomes a
// terminal window. Anything unknown fails the build with the file and line,
// because a book that silently drops code is worse than one that won't build.

import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { extractRegion, fileName, lineRanges, listingHref, repoRoot } from './sources.ts';
import { parseTranscript } from './transcript.ts';

type Node = {
  type: string;
  name?: string;
  attributes?: Record<string, string | null | undefined>;
  children?: Node[];
  position?: { start: { line: number } };
  [key: string]: unknown;
};

const text = (value: string): Node => ({ type: 'text', value });

function fail(file: { path?: string }, node: Node, message: string): never {
  const where = `${file.path ?? '<mdx>'}:${node.position?.start.line ?? '?'}`;
  throw new Error(`${where}: ::${node.name}: ${message}`);
}

function regionFigure(node: Node, file: { path?: string }): Node {
  const attrs = node.attributes ?? {};
  const path = attrs.file;
  if (!path) fail(file, node, 'needs file="chapters/NN-name/file.ts"');
  const name = attrs.name ?? null;
  let region;
  let href;
  try {
    region = extractRegion(path, name);
    href = `${listingHref(path)}#L${region.lineNumbers[0]}`;
  } catch (e) {
    fail(file, node, (e as Error).message);
  }
  const first = region.lineNumbers[0]!;
  const last = region.lineNumbers.at(-1)!;
  const caption: Node = {
    type: 'skiffCaption',
    data: { hName: 'figcaption' },
    children: [
      {
        type: 'link',
        url: href,
        data: { hProperties: { className: ['skiff-file'], title: 'Open the annotated listing of this file' } },
        children: [text(path)],
      },
      {
        type: 'skiffLines',
        data: { hName: 'span', hProperties: { className: ['skiff-lines'] } },
        children: [text(first === last ? `line ${first}` : `lines ${first}–${last}`)],
      },
    ],
  };
  const code: Node = {
    type: 'code',
    lang: region.lang,
    meta: `lines="${lineRanges(region.lineNumbers)}"`,
    value: region.code,
  };
  return {
    type: 'skiffRegion',
    data: {
      hName: 'figure',
      hProperties: { className: ['skiff-region'], dataFile: path, dataRegion: name ?? '' },
    },
    children: [caption, code],
  };
}

function transcriptFigure(node: Node, file: { path?: string }): Node {
  const path = node.attributes?.file;
  if (!path) fail(file, node, 'needs file="chapters/NN-name/transcripts/NAME.txt"');
  const absolute = join(repoRoot, path);
  if (!existsSync(absolute)) fail(file, node, `no such transcript "${path}" (paths are relative to the repository root)`);
  let transcript;
  try {
    transcript = parseTranscript(readFileSync(absolute, 'utf8'), path);
  } catch (e) {
    fail(file, node, (e as Error).message);
  }
  const value = transcript.steps.map((s) => [`$ ${s.command}`, ...s.output].join('\n')).join('\n');
  return {
    type: 'skiffTranscript',
    data: { hName: 'figure', hProperties: { className: ['skiff-transcript'], dataFile: path } },
    children: [
      { type: 'code', lang: 'shellsession', meta: `frame="terminal" title="${fileName(path)}" transcript wrap`, value },
    ],
  };
}

export default function remarkSkiff() {
  return (tree: Node, file: { path?: string }) => {
    const walk = (parent: Node) => {
      const children = parent.children;
      if (!children) return;
      children.forEach((child, i) => {
        if (child.type === 'leafDirective') {
          if (child.name === 'region') children[i] = regionFigure(child, file);
          else if (child.name === 'transcript') children[i] = transcriptFigure(child, file);
          else fail(file, child, 'unknown directive (the book knows ::region and ::transcript)');
          return;
        }
        walk(child);
      });
    };
    walk(tree);
  };
}
