// bundle-processes.ts — the runtime's two processes, each made one file at
// build time (`npm run build` runs this after tsc), so that Node loads one
// file where it would resolve, read and link thirty.

import { build, type BuildOptions } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// #region bundle-processes
/** Where tsc put this chapter's compiled modules; the bundles go next to them. */
const here = dirname(fileURLToPath(import.meta.url));

/**
 * The same modules, in one CommonJS file each, which Node loads without
 * starting its ES module loader at all. esbuild keeps what is imported
 * (of valibot, the few functions the schemas use). koffi stays outside:
 * its native addon is loaded from node_modules at run time.
 *
 * A CommonJS file has no import.meta; where ours ask it for their own URL
 * (to find init next to them) or resolve a package (tsx, for running from
 * sources, which a bundle never does), the bundle's own file answers.
 */
const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['koffi'],
  logLevel: 'warning',
  define: { 'import.meta': 'importMeta' },
  banner: {
    js: `const importMeta = { url: require('node:url').pathToFileURL(__filename).href, resolve: (name) => require('node:url').pathToFileURL(require.resolve(name)).href };`,
  },
};

await build({ ...common, entryPoints: [join(here, 'main.js')], outfile: join(here, 'main.cjs') });
await build({ ...common, entryPoints: [join(here, 'init.js')], outfile: join(here, 'init.cjs') });
// #endregion bundle-processes
