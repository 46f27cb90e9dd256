// Registered with `node --import`, prints the URL of every module the
// process loads (ESM hooks, `man node` --import, node:module register),
// one line each on stderr: how the benchmarks list a process's imports.
import { register } from 'node:module';

register('data:text/javascript,' + encodeURIComponent(`
  import { writeSync } from 'node:fs';
  export async function load(url, context, next) {
    writeSync(2, 'module-log ' + url + '\\n');
    return next(url, context);
  }
`));
