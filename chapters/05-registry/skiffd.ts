#!/usr/bin/env node
// skiffd.ts — chapter 03's daemon with this chapter's registry client plugged in: the skiffd users run.

import { collect, runSkiffd, skiffdCommand } from '../03-daemon/index.js';
import { DEFAULT_CONFIG_FILE, DistributionService, hostsConfig } from './client/index.js';

// #region skiffd
// The same command, flags and all, with dockerd's registry flags added.
const program = skiffdCommand()
  .option('--config-file <file>', `daemon configuration: insecure-registries, registry-mirrors (default ${DEFAULT_CONFIG_FILE} if present)`)
  .option('--insecure-registry <host:port>', 'a registry that may be reached over HTTP or unchecked TLS (repeatable)', collect)
  .option('--registry-mirror <url>', 'the registry that serves docker.io names such as busybox (repeatable)', collect);

await runSkiffd(program, (flags) => {
  const hosts = hostsConfig(flags.configFile as string | undefined, {
    insecure: (flags.insecureRegistry as string[] | undefined) ?? [],
    mirrors: (flags.registryMirror as string[] | undefined) ?? [],
  });
  return { distribution: (daemon) => new DistributionService(daemon, { hosts }) };
});
// #endregion skiffd
