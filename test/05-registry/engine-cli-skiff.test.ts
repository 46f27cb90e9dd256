// The same scenarios as engine-cli.test.ts with chapter 04's skiff in place
// of the docker CLI: skiff login stores the login where docker does, and
// skiff pull and push send it; progress, messages and exit codes as docker's.
import { join } from 'node:path';

process.env.SKIFF_DOCKER_CLI ??= join(import.meta.dirname, '../../bin/skiff');
await import('./engine-cli.test.ts');
