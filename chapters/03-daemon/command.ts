// command.ts — skiffd's command line: its flags, and the daemon started from them.

import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { remappedRoot } from './daemon/index.js';
import { startDaemon, type SkiffdOptions } from './start.js';

// #region skiffd-command
/** A repeatable flag's values, in order. */
export const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** --dns takes addresses only, in dockerd's words when it is not one. */
function dnsServer(value: string, previous: string[]): string[] {
  if (!isIP(value)) throw new InvalidArgumentError(`${value} is not an ip address`);
  return collect(value, previous);
}

/** The flags, as a program a later chapter may add its own to before it runs. */
export function skiffdCommand(): Command {
  return new Command('skiffd')
    .description('The Skiff daemon: serves the Docker Engine API for the docker CLI and SDKs.')
    .option('-H, --host <address>', 'where to listen: unix:///path or tcp://host:port (repeatable)', collect)
    .option('--data-root <dir>', 'images, layers and containers', '/var/lib/skiff')
    .option('--exec-root <dir>', 'sockets and state that do not outlive a reboot', '/run/skiff')
    .option('-D, --debug', 'log every request on stderr')
    .option('-b, --bridge <name>', "the default bridge network's Linux bridge, or none", 'skiff0')
    .option('--bip <cidr>', "the default bridge's gateway address and prefix (e.g. 172.17.0.1/16)")
    .option('--ip <address>', 'where ports published without an address listen', '0.0.0.0')
    .option('--dns <address>', 'DNS server for containers that name none (repeatable)', dnsServer, [])
    .option('--dns-search <domain>', 'DNS search domain for containers that name none (repeatable)', collect, [])
    .option('--dns-opt <option>', 'DNS option for containers that name none (repeatable)', collect, [])
    .option('--tlsverify', 'with tcp://: require client certificates signed by --tlscacert')
    .option('--tlscacert <file>', 'CA that signs client certificates')
    .option('--tlscert <file>', 'the server certificate')
    .option('--tlskey <file>', 'the server key')
    .option('--userns-remap <user>', "map every container's root to USER[:GROUP]'s subordinate ids (default: the dockremap user)")
    .configureOutput({ outputError: (text) => process.stderr.write(text.replace(/^error: /, 'skiffd: ')) })
    .exitOverride();
}
// #endregion skiffd-command

// #region skiffd-flags
interface Flags {
  host?: string[];
  dataRoot: string;
  execRoot: string;
  debug?: boolean;
  bridge: string;
  bip?: string;
  ip: string;
  dns: string[];
  dnsSearch: string[];
  dnsOpt: string[];
  tlsverify?: boolean;
  tlscacert?: string;
  tlscert?: string;
  tlskey?: string;
  usernsRemap?: string;
}
// #endregion skiffd-flags

// #region skiffd-main
/**
 * Parses the command line and runs the daemon until SIGTERM. `plug` turns
 * the flags a later chapter added into what it adds to the daemon.
 */
export async function runSkiffd(
  program: Command,
  plug: (flags: Record<string, unknown>) => Partial<SkiffdOptions> = () => ({}),
): Promise<void> {
  try {
    program.parse(process.argv);
    const flags = program.opts<Flags & Record<string, unknown>>();
    const warn = (line: string) => process.stderr.write(`skiffd: ${line}\n`);
    const userns = flags.usernsRemap === undefined ? undefined : remappedRoot(flags.usernsRemap, warn);
    const running = await startDaemon({
      hosts: flags.host ?? ['unix:///run/skiff/skiffd.sock'],
      dataRoot: resolve(flags.dataRoot),
      execRoot: resolve(flags.execRoot),
      debug: flags.debug,
      network: { bridge: flags.bridge, bip: flags.bip, defaultIp: flags.ip, dns: { servers: flags.dns, search: flags.dnsSearch, options: flags.dnsOpt } },
      tls: { verify: !!flags.tlsverify, ca: flags.tlscacert, cert: flags.tlscert, key: flags.tlskey },
      userns,
      ...plug(flags),
    });
    const shutdown = (signal: string) => {
      process.stderr.write(`skiffd: ${signal}: shutting down; containers keep running\n`);
      void running.stop().then(() => process.exit(0));
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 125);
    process.stderr.write(`skiffd: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
// #endregion skiffd-main
