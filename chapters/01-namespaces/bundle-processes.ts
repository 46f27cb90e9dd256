// bundle-processes.ts — the runtime's two processes, each made one file at
// build time (`npm run build` runs this after tsc), so that Node loads one
// module where it would resolve, read and link thirty.

import { build, type BuildOptions } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// #region bundle-processes
/** Where tsc put this chapter's compiled modules; the bundles go next to them. */
const here = dirname(fileURLToPath(import.meta.url));

/**
 * The same modules, in one file: Node's ES module loader reads, parses and
 * links each file of an import graph on its own, and valibot, of which the
 * schemas use a few functions, whole. esbuild keeps what is imported.
 * koffi stays outside: its native addon is loaded from node_modules at run
 * time, whoever imports it.
 */
const common: BuildOptions = { bundle: true, platform: 'node', target: 'node20', external: ['koffi'], logLevel: 'warning' };

// The command line: an ES module still, as it awaits at top level and finds
// init next to itself through import.meta.url.
await build({ ...common, entryPoints: [join(here, 'main.js')], outfile: join(here, 'main.mjs'), format: 'esm' });

// Init: CommonJS, which Node loads without starting its ES module loader
// at all (init-process.ts prefers it to init.js).
await build({ ...common, entryPoints: [join(here, 'init.js')], outfile: join(here, 'init.cjs'), format: 'cjs' });
// #endregion bundle-processes
