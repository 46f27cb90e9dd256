// The shape of the code, enforced: a chapter uses an earlier chapter only
// through that chapter's index.ts, a section (a sub-folder of a chapter, such
// as chapters/02-images/store) uses another section only through the
// section's index.ts, and no file depends on itself through a chain of
// imports. The failure names each offending import as file:line → target,
// and each cycle in full.
//
// TypeScript's own preProcessFile reads the imports: `import … from`,
// `export … from` and `import('…')`, type-only ones included (a cycle of
// types is still a knot a reader has to untie), never those in comments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import ts from 'typescript';
import { listSourceFiles, repoRoot } from '../../site/lib/sources.ts';

interface Import {
  from: string;
  line: number;
  /** Repo-relative path of the imported file. */
  to: string;
}

/** The relative imports of a file, resolved to the .ts files they name. */
function importsOf(file: string, text: string): Import[] {
  const lineOf = (pos: number) => text.slice(0, pos).split('\n').length;
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.filter((ref) => ref.fileName.startsWith('.'))
    .map((ref) => ({
      from: file,
      line: lineOf(ref.pos),
      to: posix.join(posix.dirname(file), ref.fileName).replace(/\.js$/, '.ts'),
    }));
}

/** `chapters/02-images/store/digest.ts` → chapter `chapters/02-images`, section `store` (null at the top). */
function placeOf(path: string): { chapter: string; section: string | null } {
  const [root, chapter, ...rest] = path.split('/');
  return { chapter: `${root}/${chapter}`, section: rest.length > 1 ? rest[0]! : null };
}

/** The imports that go around a chapter's or a section's index.ts. */
function backDoors(imports: Import[]): string[] {
  return imports.flatMap((i) => {
    const from = placeOf(i.from);
    const to = placeOf(i.to);
    const where = `${i.from}:${i.line} → ${i.to}`;
    if (from.chapter !== to.chapter) {
      return i.to === `${to.chapter}/index.ts` ? [] : [`${where} (another chapter: import ${to.chapter}/index.ts)`];
    }
    if (to.section !== null && to.section !== from.section) {
      const door = `${to.chapter}/${to.section}/index.ts`;
      return i.to === door ? [] : [`${where} (another section: import ${door})`];
    }
    return [];
  });
}

/** Every cycle a depth-first walk meets, each as a → b → … → a. */
function cycles(imports: Import[]): string[] {
  const edges = new Map<string, string[]>();
  for (const i of imports) edges.set(i.from, [...(edges.get(i.from) ?? []), i.to]);
  const done = new Set<string>();
  const path: string[] = [];
  const found: string[] = [];
  const visit = (file: string): void => {
    const onPath = path.indexOf(file);
    if (onPath >= 0) return void found.push([...path.slice(onPath), file].join(' → '));
    if (done.has(file)) return;
    path.push(file);
    for (const next of new Set(edges.get(file))) visit(next);
    path.pop();
    done.add(file);
  };
  for (const file of [...edges.keys()].sort()) visit(file);
  return found;
}

/** Checks a set of files (repo-relative path → text); answers the problems and what it looked at. */
function checkImports(files: Map<string, string>) {
  const imports = [...files].flatMap(([file, text]) => importsOf(file, text));
  const places = imports.map((i) => [placeOf(i.from), placeOf(i.to)] as const);
  const chapters = places.filter(([a, b]) => a.chapter !== b.chapter).length;
  const sections = places.filter(([a, b]) => a.chapter === b.chapter && a.section !== b.section).length;
  return {
    backDoors: backDoors(imports),
    cycles: cycles(imports),
    summary: `${files.size} files, ${imports.length} relative imports (${chapters} into another chapter, ${sections} into another section)`,
  };
}

test('chapters import each other, and their sections, only through index.ts, and without cycles', () => {
  const files = new Map(listSourceFiles({ fixtures: false }).map((f) => [f, readFileSync(join(repoRoot, f), 'utf8')]));
  const result = checkImports(files);
  console.log(`checked ${result.summary}: ${result.backDoors.length} back doors, ${result.cycles.length} cycles`);
  assert.ok(files.size > 0, 'no source files under chapters/');
  const problems = [
    ...result.backDoors.map((b) => `import around an index.ts: ${b}`),
    ...result.cycles.map((c) => `import cycle: ${c}`),
  ];
  if (problems.length) assert.fail(`${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
});

test('the check names a back door and a cycle when it sees them', () => {
  const files = new Map([
    ['chapters/01-a/index.ts', "export { x } from './x.js';"],
    ['chapters/01-a/x.ts', 'export const x = 1;'],
    ['chapters/02-b/index.ts', "export * from './one/index.js';"],
    ['chapters/02-b/one/index.ts', "export * from './p.js';"],
    ['chapters/02-b/one/p.ts', "import { x } from '../../01-a/x.js';\nexport const p = () => import('./q.js');"],
    ['chapters/02-b/one/q.ts', "import type { p } from './p.js';"],
    ['chapters/02-b/two/r.ts', "\n\nimport { p } from '../one/p.js';"],
  ]);
  const result = checkImports(files);
  assert.deepEqual(result.backDoors, [
    'chapters/02-b/one/p.ts:1 → chapters/01-a/x.ts (another chapter: import chapters/01-a/index.ts)',
    'chapters/02-b/two/r.ts:3 → chapters/02-b/one/p.ts (another section: import chapters/02-b/one/index.ts)',
  ]);
  assert.deepEqual(result.cycles, ['chapters/02-b/one/p.ts → chapters/02-b/one/q.ts → chapters/02-b/one/p.ts']);
});
