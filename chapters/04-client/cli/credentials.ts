// credentials.ts — registry logins, kept where the docker CLI keeps them.

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { RegistryAuth } from '../sdk/index.js';

// #region credentials
/** Docker Hub's key in `auths`, a URL for historical reasons (docker/cli `registry.IndexServer`). */
export const DOCKER_HUB = 'https://index.docker.io/v1/';

/** The docker CLI's config file: $DOCKER_CONFIG/config.json, else ~/.docker/config.json. */
export const configFile = () => join(process.env.DOCKER_CONFIG ?? join(homedir(), '.docker'), 'config.json');

type Config = { auths?: Record<string, { auth?: string; identitytoken?: string }> } & Record<string, unknown>;
// #endregion credentials

// #region config-file

/**
 * The config file, or an empty config. A file that is not a JSON object is
 * no reason to fail a command that may not need it: docker warns in one line
 * naming the file and goes on without it, and so do we. An empty file is an
 * empty config, as Go's decoder reads it.
 */
export function readConfig(): Config {
  const file = configFile();
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (!text.trim()) return {};
  try {
    const config = JSON.parse(text) as unknown;
    if (config && typeof config === 'object' && !Array.isArray(config)) return config as Config;
    warnOnce(file, `json: cannot unmarshal ${Array.isArray(config) ? 'array' : config === null ? 'null' : typeof config} into Go value of type configfile.ConfigFile`);
  } catch (error) {
    warnOnce(file, jsonProblem(text, (error as Error).message));
  }
  return {};
}

let warned = false;
function warnOnce(file: string, reason: string): void {
  if (!warned) process.stderr.write(`WARNING: Error parsing config file (${file}): ${reason}\n`);
  warned = true;
}

/** What is wrong with the text, in Go's words where V8's differ: a file cut short is `unexpected EOF`. */
function jsonProblem(text: string, message: string): string {
  const at = Number(/position (\d+)/.exec(message)?.[1] ?? (/end of JSON input/.test(message) ? text.length : NaN));
  if (at >= text.trimEnd().length) return 'unexpected EOF';
  return Number.isNaN(at) ? message : `invalid character '${text[at]}' at offset ${at}`;
}
// #endregion config-file

// #region config-write

/**
 * Readable by its owner only: it holds passwords. A temporary name, then
 * rename(2), as the docker CLI writes it; not chapter 01's writeAtomically,
 * whose module would load the runtime into every command's start-up.
 */
export function writeConfig(config: Config): void {
  mkdirSync(dirname(configFile()), { recursive: true });
  writeFileSync(`${configFile()}.tmp`, `${JSON.stringify(config, null, '\t')}\n`, { mode: 0o600 });
  renameSync(`${configFile()}.tmp`, configFile());
}
// #endregion config-write

// #region registry-logins

/**
 * The registry a reference names: its first component when that looks like
 * a host (a dot, a port, or `localhost`), else Docker Hub — the reference
 * grammar of distribution's `reference` package.
 */
export function registryOf(name: string): string {
  const first = name.split('/')[0]!;
  return name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : DOCKER_HUB;
}

/** The stored login for the registry of `name`, as X-Registry-Auth carries it; anonymous when there is none. */
export function authFor(name: string): RegistryAuth {
  return storedLogin(registryOf(name), readConfig());
}

/** Every stored login by registry, as a build's X-Registry-Config carries them (the daemon may pull from any). */
export function allAuths(): Record<string, RegistryAuth> {
  const config = readConfig();
  return Object.fromEntries(Object.keys(config.auths ?? {}).map((server) => [server, storedLogin(server, config)]));
}

/** `auth` is base64 of `user:password`; with an `identitytoken` (a refresh token) the password is empty. */
function storedLogin(server: string, config: Config): RegistryAuth {
  const { auth: stored, identitytoken } = config.auths?.[server] ?? {};
  if (!stored) return {};
  const plain = Buffer.from(stored, 'base64').toString('utf8');
  const colon = plain.indexOf(':');
  const login: RegistryAuth = { username: plain.slice(0, colon), password: plain.slice(colon + 1), serveraddress: server };
  return identitytoken ? { ...login, identitytoken } : login;
}
// #endregion registry-logins
