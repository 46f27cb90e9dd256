#!/usr/bin/env node
// main.ts — skiff-registry: an OCI Distribution registry on a directory.

import { resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { loadConfig, parseDuration, type RegistryConfig } from './config.js';
import { serve } from './serve.js';
import { Htpasswd, setupAuth } from './auth/index.js';
import { collectGarbage, listRepositories, RegistryStorage, removeStaleIngests } from './storage/index.js';

// #region settings
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
// #endregion settings

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
    const auth = config.auth ? await setupAuth(config.auth, { storage, secure: config.tls !== undefined }) : undefined;
    const running = await serve({
      config, storage, listen: flags.listen ?? config.listen ?? DEFAULT_LISTEN, log: flags.debug ? log : undefined,
      access: auth?.access, extraRoutes: auth?.routes,
    });
    log(`skiff-registry: listening on ${running.url}, storage ${storage}`);
    const stop = () => void running.close().then(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
// #endregion serve-command

// #region gc-command
program
  .command('gc')
  .description('remove blobs no manifest needs (safe while the registry serves), and expired upload sessions')
  .option('--storage <dir>', `the registry's storage (default: config, else ${DEFAULT_STORAGE})`)
  .option('--config <file>', 'a YAML (or JSON) config file: its uploads.maxAge applies')
  .option('--dry-run', 'list what would be removed, remove nothing')
  .option('--grace-period <duration>', 'keep blobs younger than this, which a push may be about to name', '1h')
  .action(async (flags: CommonFlags & { dryRun?: boolean; gracePeriod: string }) => {
    const { config, storage: root } = settings(flags);
    const storage = new RegistryStorage(root);
    if (!/^(\d+(\.\d+)?(ms|s|m|h|d))+$/.test(flags.gracePeriod)) throw new Error(`invalid --grace-period ${flags.gracePeriod}: use a duration such as 30m`);
    const gracePeriodMs = parseDuration(flags.gracePeriod);
    const report = await collectGarbage(storage, { dryRun: flags.dryRun === true, gracePeriodMs });
    const verb = flags.dryRun ? 'would remove' : 'removed';
    for (const { digest, size } of report.blobs) process.stdout.write(`${verb} blob ${digest} (${size} bytes)\n`);
    for (const digest of report.kept) process.stdout.write(`kept blob ${digest}: a push named it while it was being swept\n`);
    const bytes = report.blobs.reduce((sum, b) => sum + b.size, 0);
    process.stdout.write(`${verb} ${report.blobs.length} blobs, ${bytes} bytes\n`);
    if (flags.dryRun) return;
    let sessions = 0;
    for (const name of await listRepositories(storage.layout)) {
      sessions += (await storage.uploads.expire(name, parseDuration(config.uploads.maxAge))).length;
    }
    const ingests = await removeStaleIngests(storage, gracePeriodMs);
    process.stdout.write(`removed ${sessions} expired upload sessions, ${ingests} abandoned writes\n`);
  });
// #endregion gc-command

// #region adduser-command
program
  .command('adduser')
  .description('add a user to the htpasswd file (or change their password); the password is read from standard input')
  .argument('<user>')
  .option('--htpasswd <file>', 'the htpasswd file (default: the config file\'s auth.htpasswd)')
  .option('--config <file>', 'a YAML (or JSON) config file')
  .action(async (user: string, flags: { htpasswd?: string; config?: string }) => {
    const file = flags.htpasswd ?? loadConfig(flags.config).auth?.htpasswd;
    if (!file) throw new Error('no htpasswd file: give --htpasswd, or --config with auth.htpasswd');
    let input = '';
    for await (const chunk of process.stdin) input += (chunk as Buffer).toString('utf8');
    const password = input.split('\n')[0]!.replace(/\r$/, '');
    await Htpasswd.load(file, { mustExist: false }).set(user, password);
    process.stdout.write(`${user} added to ${file}\n`);
  });
// #endregion adduser-command

// #region main
try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  process.stderr.write(`skiff-registry: ${(err as Error).message}\n`);
  process.exit(1);
}
// #endregion main
