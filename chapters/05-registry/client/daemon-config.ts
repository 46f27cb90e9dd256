// daemon-config.ts — the registry settings of dockerd's daemon.json, and their flags.

import { existsSync, readFileSync } from 'node:fs';
import * as v from 'valibot';
import { InvalidArgumentError } from '../../01-namespaces/index.js';
import type { HostsConfig } from './endpoints.js';

// #region daemon-config
/** The two keys of daemon.json that concern registries; dockerd's other keys are left to it. */
const daemonJson = v.looseObject({
  'insecure-registries': v.optional(v.array(v.string()), []),
  'registry-mirrors': v.optional(v.array(v.pipe(v.string(), v.url('a registry mirror must be a URL, such as http://127.0.0.1:5000'))), []),
});

export const DEFAULT_CONFIG_FILE = '/etc/skiff/daemon.json';

/**
 * The config file (if the default one is missing, none), with the flags
 * added to it, as dockerd merges `--insecure-registry` with the file.
 */
export function hostsConfig(file: string | undefined, flags: { insecure: string[]; mirrors: string[] }): HostsConfig {
  const path = file ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
  let fromFile = { 'insecure-registries': [] as string[], 'registry-mirrors': [] as string[] };
  if (path !== undefined) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new InvalidArgumentError(`config file ${path}: ${(err as Error).message}`);
    }
    const checked = v.safeParse(daemonJson, raw);
    if (!checked.success) throw new InvalidArgumentError(`config file ${path}: ${v.getDotPath(checked.issues[0]) ?? '(top)'}: ${checked.issues[0].message}`);
    fromFile = checked.output;
  }
  for (const m of flags.mirrors) if (!URL.canParse(m)) throw new InvalidArgumentError(`invalid registry mirror ${m}: a URL, such as http://127.0.0.1:5000`);
  return {
    insecureRegistries: [...fromFile['insecure-registries'], ...flags.insecure],
    mirrors: [...fromFile['registry-mirrors'], ...flags.mirrors],
  };
}
// #endregion daemon-config
