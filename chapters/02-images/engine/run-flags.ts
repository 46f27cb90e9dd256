// run-flags.ts — the text of `run`'s flags, read as Docker's CLI reads it, before image-config.ts sees the values.

import { posix } from 'node:path';
import { InvalidArgumentError } from '../../01-namespaces/index.js';
import type { VolumeMount } from './image-config.js';

// #region parse-memory
/** `64m` → bytes, binary units as Docker's RAMInBytes reads them. */
export function parseMemory(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([bkmgt]?)b?$/i.exec(text.trim());
  if (!m) throw new InvalidArgumentError(`invalid size: '${text}'`);
  const power = 'bkmgt'.indexOf((m[2] || 'b').toLowerCase());
  return Math.floor(Number(m[1]) * 1024 ** power);
}
// #endregion parse-memory

// #region run-flags
/**
 * `--pids-limit`: a 64-bit integer, as the docker CLI's flag parser
 * (Go's strconv.ParseInt) reads it. 0 and negative numbers mean no limit.
 */
export function parsePidsLimit(text: string): number {
  const invalid = (why: string) => new InvalidArgumentError(`invalid argument "${text}" for "--pids-limit" flag: strconv.ParseInt: parsing "${text}": ${why}`);
  if (!/^[+-]?\d+$/.test(text)) throw invalid('invalid syntax');
  const value = BigInt(text);
  if (value > 2n ** 63n - 1n || value < -(2n ** 63n)) throw invalid('value out of range');
  return Number(value);
}

/** `-w`: Docker refuses a relative working directory rather than guess what it is relative to. */
export function checkWorkdir(dir: string): string {
  if (!posix.isAbsolute(dir)) throw new InvalidArgumentError(`the working directory '${dir}' is invalid, it needs to be an absolute path`);
  return dir;
}
// #endregion run-flags

// #region parse-volume
/** Docker's `-v` syntax; only host paths (named volumes are a later chapter's). */
export function parseVolume(text: string): VolumeMount {
  const parts = text.split(':');
  if (parts.length < 2 || parts.length > 3) throw new InvalidArgumentError(`invalid volume specification: '${text}'`);
  const [source, destination, mode = 'rw'] = parts;
  if (!source.startsWith('/')) throw new InvalidArgumentError(`invalid volume specification: '${text}': only absolute host paths are supported`);
  if (!destination.startsWith('/')) throw new InvalidArgumentError(`invalid volume specification: '${text}': mount path must be absolute`);
  if (mode !== 'ro' && mode !== 'rw') throw new InvalidArgumentError(`invalid mode: ${mode}`);
  return { source, destination: posix.normalize(destination), readonly: mode === 'ro' };
}
// #endregion parse-volume

// #region env-flag
/**
 * `-e NAME=VALUE`, or `-e NAME` alone, which the docker CLI fills in from its
 * own environment (docker/cli `opts.ValidateEnv`) before the daemon sees it.
 * A name the caller does not have stays bare, and a bare name unsets the variable.
 */
export function parseEnv(text: string): string {
  const eq = text.indexOf('=');
  if (eq === 0) throw new InvalidArgumentError(`invalid environment variable: ${text}`);
  if (eq > 0) return text;
  const value = process.env[text];
  return value === undefined ? text : `${text}=${value}`;
}
// #endregion env-flag
