#!/usr/bin/env node
// main.ts — skiff-registry: an OCI Distribution registry on a directory.
//
//   skiff-registry serve [--listen 127.0.0.1:5000] [--storage DIR] [--config FILE]
//
// Flags override the config file, which overrides the defaults. Errors end
// the command with one line and exit code 1.

import { resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { loadConfig, type RegistryConfig } from './config.js';
import { serve } from './serve.js';

const DEFAULT_LISTEN = '127.0.0.1:5000';
const DEFAULT_STORAGE = '/var/lib/skiff-registry';

interface CommonFlags {
  config?: string;
  storage?: string;
}

/** The config file, with the flags laid over it. */
function settings(flags: CommonFlags): { config: RegistryConfig; storage: string } {
  const config = loadConfig(flags.config);
  return { config, storage: resolve(flags.storage ?? config.storage ?? DEFAULT_STORAGE) };
}

const program = new Command('skiff-registry')
  .description('An OCI Distribution Spec registry: skopeo, docker and containerd push to it and pull from it.')
  .showHelpAfterError(false)
  .exitOverride();

// #region serve-command
program
  .command('serve')
  .description('serve the registry API until SIGTERM')
  .option('--listen <host:port>', `address to listen on (default: config, else ${DEFAULT_LISTEN})`)
  .option('--storage <dir>', `where blobs and repositories are kept (default: config, else ${DEFAULT_STORAGE})`)
  .option('--config <file>', 'a YAML (or JSON) config file')
  .option('--debug', 'log every request on stderr')
  .action(async (flags: CommonFlags & { listen?: string; debug?: boolean }) => {
    const { config, storage } = settings(flags);
    const log = (line: string) => void process.stderr.write(`${line}\n`);
    const running = await serve({
      config, storage, listen: flags.listen ?? config.listen ?? DEFAULT_LISTEN, log: flags.debug ? log : undefined,
    });
    log(`skiff-registry: listening on ${running.url}, storage ${storage}`);
    const stop = () => void running.close().then(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
// #endregion serve-command

// #region main
try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  process.stderr.write(`skiff-registry: ${(err as Error).message}\n`);
  process.exit(1);
}
// #endregion main
