// cli.ts — what every command is handed: the client, the streams, and the errors it may raise.

import type { EngineClient } from '../sdk/index.js';

// #region cli-context
/** The global flags, given before the command: `skiff -H tcp://… ps`. */
export interface GlobalOptions {
  host?: string;
  tlsverify?: boolean;
}

/** Parsed flags of one command: strings, booleans, and lists for repeatable flags. */
export type Flags = Record<string, string | boolean | string[] | undefined>;

/** The running command line: the program's name, its output, and a client made on first use. */
export class Cli {
  /** What the messages call the program ("skiff run --help"). */
  readonly name = 'skiff';
  private client?: EngineClient;

  constructor(readonly globals: GlobalOptions) {}

  /** The SDK client, made once; loading the SDK waits until a command needs the daemon. */
  async engine(): Promise<EngineClient> {
    if (!this.client) {
      const { EngineClient } = await import('../sdk/index.js');
      this.client = new EngineClient({ host: this.globals.host, tlsVerify: this.globals.tlsverify || undefined });
    }
    return this.client;
  }

  out(text: string): void {
    process.stdout.write(text);
  }

  err(text: string): void {
    process.stderr.write(text);
  }
}

// #endregion cli-context

// #region cli-errors
/** A failure the command itself reports: its text as is, and the exit status. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}

/** A flag whose value makes no sense (`--memory lots`): docker says `invalid argument … for "--memory" flag`, exit 125. */
export class FlagError extends CliError {
  constructor(message: string) {
    super(message, 125);
  }
}

/** The value of a string flag, or undefined. */
export const str = (v: Flags[string]): string | undefined => (typeof v === 'string' ? v : undefined);
/** The values of a repeatable flag. */
export const list = (v: Flags[string]): string[] => (Array.isArray(v) ? v : typeof v === 'string' ? [v] : []);
// #endregion cli-errors
