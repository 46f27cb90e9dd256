// reference.ts — image names, the way Docker spells and completes them.

import { InvalidArgumentError } from '../../01-namespaces/index.js';
import { isDigest, type Digest } from './digest.js';

// #region image-ref
/** A parsed, normalised reference: `docker.io/library/busybox:latest`. */
export interface ImageRef {
  /** Registry host, with port if any: `docker.io`, `localhost:5000`. */
  domain: string;
  /** Repository path inside the registry: `library/busybox`. */
  path: string;
  tag?: string;
  digest?: Digest;
  /** The whole normalised reference, as stored in the image index. */
  full: string;
}
// #endregion image-ref

// #region defaults
export const DEFAULT_DOMAIN = 'docker.io';
export const DEFAULT_TAG = 'latest';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_NAMESPACE = 'library/';
const NAME_MAX = 255;

/** A reference that could not be parsed; the message is Docker's. */
export class ReferenceError extends InvalidArgumentError {}
// #endregion defaults

// #region grammar
// The pieces of the grammar, each a regular expression source.
const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domainName = `${domainComponent}(?:\\.${domainComponent})*`;
const ipv6 = '\\[[a-fA-F0-9:]+\\]';
const domain = `(?:${domainName}|${ipv6})(?::[0-9]+)?`;
const tag = '[\\w][\\w.-]{0,127}';
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const name = `(?:(${domain})/)?(${pathComponent}(?:/${pathComponent})*)`;

const REFERENCE_RE = new RegExp(`^${name}(?::(${tag}))?(?:@(${digest}))?$`);
const HEX64_RE = /^[a-f0-9]{64}$/;
// #endregion grammar

// #region parse
/**
 * Parses what a user typed into a normalised reference. A bare name gets the
 * tag `latest` unless it carries a digest (`defaultTag: false` keeps it bare,
 * as `docker images busybox` wants).
 */
export function parseReference(input: string, options: { defaultTag?: boolean } = {}): ImageRef {
  if (HEX64_RE.test(input)) {
    throw new ReferenceError(`invalid repository name (${input}), cannot specify 64-byte hexadecimal strings`);
  }
  const [domainPart, remainder] = splitDomain(input);
  // Only names on the default registry must be lowercase; "Foo/bar" names a
  // registry host "Foo", which the grammar allows.
  const repository = remainder.split(/[:@]/, 1)[0];
  if (repository.toLowerCase() !== repository) {
    throw new ReferenceError(`invalid reference format: repository name (${repository}) must be lowercase`);
  }
  const match = REFERENCE_RE.exec(`${domainPart}/${remainder}`);
  if (!match) throw new ReferenceError('invalid reference format');
  const [, matchedDomain = domainPart, path, matchedTag, matchedDigest] = match;
  const repoName = `${matchedDomain}/${path}`;
  if (repoName.length > NAME_MAX) {
    throw new ReferenceError(`repository name must not be more than ${NAME_MAX} characters`);
  }
  if (matchedDigest !== undefined) checkDigest(matchedDigest);
  const tagOrDefault =
    matchedTag ?? (matchedDigest === undefined && options.defaultTag !== false ? DEFAULT_TAG : undefined);
  return makeRef(matchedDomain, path, tagOrDefault, matchedDigest as Digest | undefined);
}
// #endregion parse

// #region normalize
/**
 * Splits off the registry. The first path component is a registry only if it
 * looks like a host: it has a dot or a port, or is `localhost`, or has
 * capitals (which a repository path may not).
 */
function splitDomain(input: string): [string, string] {
  const slash = input.indexOf('/');
  const first = slash === -1 ? '' : input.slice(0, slash);
  const isHost =
    slash !== -1 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first);
  let domainPart = isHost ? first : DEFAULT_DOMAIN;
  let remainder = isHost ? input.slice(slash + 1) : input;
  if (domainPart === LEGACY_DEFAULT_DOMAIN) domainPart = DEFAULT_DOMAIN;
  if (domainPart === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = OFFICIAL_NAMESPACE + remainder;
  return [domainPart, remainder];
}
// #endregion normalize

// #region check-digest
/** The grammar lets any algorithm through; go-digest's checks then apply. */
function checkDigest(value: string): void {
  const [algorithm, hex] = value.split(':');
  if (algorithm !== 'sha256') throw new ReferenceError('unsupported digest algorithm');
  if (hex.length !== 64) throw new ReferenceError('invalid checksum digest length');
  if (!isDigest(value)) throw new ReferenceError('invalid checksum digest format');
}

function makeRef(domainPart: string, path: string, tagPart?: string, digestPart?: Digest): ImageRef {
  let full = `${domainPart}/${path}`;
  if (tagPart !== undefined) full += `:${tagPart}`;
  if (digestPart !== undefined) full += `@${digestPart}`;
  return { domain: domainPart, path, tag: tagPart, digest: digestPart, full };
}
// #endregion check-digest

// #region familiar
/** `busybox` → `docker.io/library/busybox:latest`. */
export function normalizeReference(input: string): string {
  return parseReference(input).full;
}

/** The repository part of a reference: `docker.io/library/busybox`. */
export function repositoryOf(ref: ImageRef): string {
  return `${ref.domain}/${ref.path}`;
}

/**
 * The short form Docker prints: `busybox`, `alice/app`, `localhost:5000/x`.
 * It is only for display; the store keeps the full form.
 */
export function familiarRepository(ref: ImageRef): string {
  if (ref.domain !== DEFAULT_DOMAIN) return repositoryOf(ref);
  return ref.path.startsWith(OFFICIAL_NAMESPACE) ? ref.path.slice(OFFICIAL_NAMESPACE.length) : ref.path;
}

/** `docker.io/library/busybox:latest` → `busybox:latest`. */
export function familiarString(ref: ImageRef): string {
  let s = familiarRepository(ref);
  if (ref.tag !== undefined) s += `:${ref.tag}`;
  if (ref.digest !== undefined) s += `@${ref.digest}`;
  return s;
}

/** Whether an image's name is `repo@sha256:…` (pulled by digest): Docker counts it a digest, not a tag. */
export const isDigestName = (name: string): boolean => name.includes('@');
// #endregion familiar
