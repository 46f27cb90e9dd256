// names.ts — what a repository name, a tag and a digest may look like.

import { isDigest, parseReference, ReferenceError, type Digest } from '../../02-images/index.js';
import { digestInvalid, nameInvalid, RegistryError } from '../errors.js';

// #region names
const HOST = 'registry.invalid';
const TAG_RE = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

/** A repository name as the spec spells it: `library/busybox`, `team/app-1`. */
export function checkName(name: string): string {
  try {
    const ref = parseReference(`${HOST}/${name}`, { defaultTag: false });
    if (ref.domain === HOST && ref.path === name && ref.tag === undefined && ref.digest === undefined) return name;
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
  }
  throw nameInvalid(name);
}

export const isTag = (reference: string): boolean => TAG_RE.test(reference);

/** A digest in a URL or a query: only sha256 is stored, so others are refused as invalid. */
export function checkDigest(value: string | null | undefined): Digest {
  if (value && isDigest(value)) return value;
  throw digestInvalid(`invalid digest ${JSON.stringify(value ?? '')}`);
}

/** A manifest reference: a tag, or a digest. */
export function checkReference(reference: string): { tag: string } | { digest: Digest } {
  if (isTag(reference)) return { tag: reference };
  if (reference.includes(':')) return { digest: checkDigest(reference) };
  throw new RegistryError(400, 'MANIFEST_INVALID', `invalid tag or digest: ${JSON.stringify(reference)}`);
}
// #endregion names
