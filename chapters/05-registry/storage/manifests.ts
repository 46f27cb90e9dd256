// manifests.ts — the documents that make blobs into images, and their names.

import { digestOf, MediaType, parseIndex, parseManifest, type ContentStore, type Digest, isDigest } from '../../02-images/index.js';
import { digestInvalid, manifestBlobUnknown, manifestInvalid, manifestUnknown, nameUnknown, RegistryError } from '../errors.js';
import type { Blobs } from './blobs.js';
import { repositoryExists } from './catalog.js';
import type { Layout } from './layout.js';
import { entriesOf, readLink, removeLinkDir, writeLink } from './links.js';
import { dirname } from 'node:path';

// #region manifest-types
/** The four kinds of manifest the registry stores: OCI and Docker, single and multi-platform. */
export const MANIFEST_MEDIA_TYPES: readonly string[] = [
  MediaType.ociManifest, MediaType.ociIndex, MediaType.dockerManifest, MediaType.dockerManifestList,
];
const isIndex = (t: string) => t === MediaType.ociIndex || t === MediaType.dockerManifestList;
/** At least 4 MiB must be accepted (spec: "Pushing Manifests"); more is refused with 413. */
export const MAX_MANIFEST_BYTES = 4 << 20;

export type ManifestReference = { tag: string } | { digest: Digest };

export interface StoredManifest {
  digest: Digest;
  mediaType: string;
  bytes: Buffer;
}

/** What a manifest points at: blobs that must be in the repository, manifests (of an index), a subject. */
interface ManifestLinks {
  mediaType: string;
  blobs: Digest[];
  manifests: Digest[];
  subject?: Digest;
}
// #endregion manifest-types

// #region validate
/**
 * Checks a pushed document against its Content-Type with chapter 02's
 * parsers, and lists what it points at. The body's own `mediaType`, when it
 * has one, must agree with the header (spec: "Pushing Manifests").
 */
function inspect(contentType: string | undefined, bytes: Buffer): ManifestLinks {
  let body: { mediaType?: unknown; subject?: { digest?: unknown } };
  try {
    body = JSON.parse(bytes.toString('utf8')) as typeof body;
  } catch (err) {
    throw manifestInvalid(`not JSON: ${(err as Error).message}`);
  }
  if (body === null || typeof body !== 'object') throw manifestInvalid('not a JSON object');
  const mediaType = contentType || (typeof body.mediaType === 'string' ? body.mediaType : '');
  if (!MANIFEST_MEDIA_TYPES.includes(mediaType)) throw manifestInvalid(`unsupported manifest media type ${JSON.stringify(mediaType)}`);
  if (body.mediaType !== undefined && body.mediaType !== mediaType) {
    throw manifestInvalid(`mediaType ${JSON.stringify(body.mediaType)} does not match Content-Type ${mediaType}`);
  }
  const subject = body.subject?.digest;
  if (subject !== undefined && (typeof subject !== 'string' || !isDigest(subject))) throw manifestInvalid('subject.digest is not a sha256 digest');
  try {
    if (isIndex(mediaType)) {
      return { mediaType, blobs: [], manifests: parseIndex(bytes).manifests.map((m) => m.digest), subject };
    }
    const { manifest } = parseManifest(bytes);
    const local = manifest.layers.filter((l) => !l.urls?.length); // foreign layers live elsewhere
    return { mediaType, blobs: [manifest.config.digest, ...local.map((l) => l.digest)], manifests: [], subject };
  } catch (err) {
    throw manifestInvalid((err as Error).message.replace(/^invalid /, ''));
  }
}
// #endregion validate

// #region put
export class Manifests {
  constructor(private readonly store: ContentStore, private readonly layout: Layout, private readonly blobs: Blobs) {}

  async put(name: string, reference: ManifestReference, contentType: string | undefined, bytes: Buffer): Promise<{ digest: Digest; subject?: Digest }> {
    const digest = digestOf(bytes);
    if ('digest' in reference && reference.digest !== digest) {
      throw digestInvalid(`the manifest was pushed as ${reference.digest} but hashes to ${digest}`);
    }
    const links = inspect(contentType, bytes);
    for (const blob of links.blobs) {
      // Hold first, then look: a garbage collection that starts now keeps it.
      if (!(await this.blobs.hold(blob)) || (await this.blobs.sizeIn(name, blob)) === undefined) throw manifestBlobUnknown(blob);
    }
    for (const child of links.manifests) {
      if (!(await this.blobs.hold(child)) || (await readLink(this.layout.revisionLink(name, child))) !== child) throw manifestBlobUnknown(child);
    }
    await this.store.write(bytes, digest);
    await writeLink(this.layout.revisionLink(name, digest), digest);
    if (links.subject) await writeLink(this.layout.referrerLink(name, links.subject, digest), digest);
    if ('tag' in reference) await writeLink(this.layout.tagLink(name, reference.tag), digest);
    return { digest, subject: links.subject };
  }
  // #endregion put

  // #region get
  async get(name: string, reference: ManifestReference): Promise<StoredManifest> {
    const digest = await this.resolve(name, reference);
    const bytes = await this.store.read(digest); // read checks the bytes still hash to their name
    return { digest, bytes, mediaType: mediaTypeOf(bytes) };
  }

  /** The digest a tag or digest reference names in this repository. */
  async resolve(name: string, reference: ManifestReference): Promise<Digest> {
    const digest = 'tag' in reference ? await readLink(this.layout.tagLink(name, reference.tag)) : reference.digest;
    if (digest && (await readLink(this.layout.revisionLink(name, digest))) === digest && this.store.has(digest)) return digest;
    if (!repositoryExists(this.layout, name)) throw nameUnknown(name);
    throw manifestUnknown('tag' in reference ? reference.tag : reference.digest);
  }
  // #endregion get

  // #region delete
  /**
   * By tag, only the tag goes. By digest, the revision goes, and with it
   * every tag naming it and its entry among its subject's referrers: what
   * `skopeo delete` expects.
   */
  async delete(name: string, reference: ManifestReference): Promise<void> {
    if ('tag' in reference) {
      await this.resolve(name, reference);
      await removeLinkDir(this.layout.tagDir(name, reference.tag));
      return;
    }
    const digest = await this.resolve(name, reference);
    const { subject } = inspectStored(await this.store.read(digest));
    for (const tag of await entriesOf(this.layout.tagsDir(name))) {
      if ((await readLink(this.layout.tagLink(name, tag))) === digest) await removeLinkDir(this.layout.tagDir(name, tag));
    }
    if (subject) await removeLinkDir(dirname(this.layout.referrerLink(name, subject, digest)));
    await removeLinkDir(dirname(this.layout.revisionLink(name, digest)));
  }
}

/** The media type of stored bytes: the body says so, or (OCI, where it may not) its shape does. */
export function mediaTypeOf(bytes: Buffer): string {
  const body = JSON.parse(bytes.toString('utf8')) as { mediaType?: string; manifests?: unknown };
  if (typeof body.mediaType === 'string' && body.mediaType) return body.mediaType;
  return Array.isArray(body.manifests) ? MediaType.ociIndex : MediaType.ociManifest;
}

/** The links of a manifest already accepted once. */
export function inspectStored(bytes: Buffer): ManifestLinks {
  try {
    return inspect(mediaTypeOf(bytes), bytes);
  } catch (err) {
    if (err instanceof RegistryError) return { mediaType: '', blobs: [], manifests: [] };
    throw err;
  }
}
// #endregion delete
