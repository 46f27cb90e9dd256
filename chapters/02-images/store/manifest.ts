// manifest.ts — the three JSON documents that make an image.
//
// OCI image-spec: a *manifest* (`manifest.md`) lists one config blob and the
// layer blobs, in order; an *index* (`image-index.md`) lists manifests, one
// per platform; the *config* (`config.md`) holds what runs (Cmd, Env, ...) and
// `rootfs.diff_ids`, the digests of the layers uncompressed. Docker's schema2
// manifest and manifest list have the same shape under other media types, so
// they are accepted and rewritten as OCI ones.

import * as v from 'valibot';
import { InvalidArgumentError } from '../../01-namespaces/index.js';
import { isDigest, type Digest } from './digest.js';
import { MediaType, dockerToOci, isIndexType, isManifestType } from './media-types.js';

// #region types
const digest = v.custom<Digest>((value) => typeof value === 'string' && isDigest(value), 'not a sha256 digest');
const annotations = v.optional(v.record(v.string(), v.string()));

const platformSchema = v.looseObject({
  architecture: v.string(),
  os: v.string(),
  variant: v.optional(v.string()),
  'os.version': v.optional(v.string()),
  'os.features': v.optional(v.array(v.string())),
});

/** A pointer to a blob: what it is, its digest, its size (image-spec `descriptor.md`). */
const descriptorSchema = v.looseObject({
  mediaType: v.string(),
  digest,
  size: v.pipe(v.number(), v.integer(), v.minValue(0)),
  urls: v.optional(v.array(v.string())),
  annotations,
  platform: v.optional(platformSchema),
});

const manifestSchema = v.looseObject({
  schemaVersion: v.literal(2),
  mediaType: v.optional(v.string()),
  config: descriptorSchema,
  layers: v.array(descriptorSchema),
  annotations,
});

const indexSchema = v.looseObject({
  schemaVersion: v.literal(2),
  mediaType: v.optional(v.string()),
  manifests: v.array(descriptorSchema),
  annotations,
});
// #endregion types

// #region container-config-schema
/** The part of the config a container runs with; Docker names, OCI `config.md`. */
const containerConfigSchema = v.looseObject({
  User: v.optional(v.string()),
  ExposedPorts: v.nullish(v.record(v.string(), v.object({}))),
  Env: v.nullish(v.array(v.string())),
  Entrypoint: v.nullish(v.array(v.string())),
  Cmd: v.nullish(v.array(v.string())),
  Volumes: v.nullish(v.record(v.string(), v.object({}))),
  WorkingDir: v.optional(v.string()),
  Labels: v.nullish(v.record(v.string(), v.string())),
  StopSignal: v.optional(v.string()),
  // Docker's own keys (moby `api/types/container` Config), which OCI readers pass over:
  // the healthcheck (durations in nanoseconds), ONBUILD triggers, and the SHELL for shell forms.
  Healthcheck: v.nullish(
    v.looseObject({
      Test: v.optional(v.array(v.string())),
      Interval: v.optional(v.number()),
      Timeout: v.optional(v.number()),
      StartPeriod: v.optional(v.number()),
      Retries: v.optional(v.number()),
    }),
  ),
  OnBuild: v.nullish(v.array(v.string())),
  Shell: v.nullish(v.array(v.string())),
});
// #endregion container-config-schema

// #region image-config-schema
const historySchema = v.looseObject({
  created: v.optional(v.string()),
  created_by: v.optional(v.string()),
  author: v.optional(v.string()),
  comment: v.optional(v.string()),
  empty_layer: v.optional(v.boolean()),
});

const imageConfigSchema = v.looseObject({
  created: v.optional(v.string()),
  author: v.optional(v.string()),
  architecture: v.string(),
  os: v.string(),
  variant: v.optional(v.string()),
  config: v.nullish(containerConfigSchema),
  rootfs: v.object({ type: v.literal('layers'), diff_ids: v.array(digest) }),
  history: v.optional(v.array(historySchema)),
});

export type Platform = v.InferOutput<typeof platformSchema>;
export type Descriptor = v.InferOutput<typeof descriptorSchema>;
export type OciManifest = v.InferOutput<typeof manifestSchema>;
export type OciIndex = v.InferOutput<typeof indexSchema>;
export type ContainerConfig = v.InferOutput<typeof containerConfigSchema>;
export type HistoryEntry = v.InferOutput<typeof historySchema>;
export type OciImageConfig = v.InferOutput<typeof imageConfigSchema>;
// #endregion image-config-schema

/** A document that did not parse or has the wrong shape. */
export class ManifestError extends InvalidArgumentError {}

function parseWith<S extends v.GenericSchema>(schema: S, bytes: Uint8Array | string, what: string): v.InferOutput<S> {
  let json: unknown;
  try {
    json = JSON.parse(typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new ManifestError(`invalid ${what}: ${(err as Error).message}`);
  }
  const result = v.safeParse(schema, json, { abortEarly: true });
  if (!result.success) {
    const issue = result.issues[0];
    const path = (issue.path ?? []).map((item) => String(item.key)).join('.');
    throw new ManifestError(`invalid ${what}: ${path || '(top)'}: ${issue.message}`);
  }
  return result.output;
}

export const parseImageConfig = (bytes: Uint8Array | string): OciImageConfig =>
  parseWith(imageConfigSchema, bytes, 'image config');
/**
 * Tells a manifest from an index. The `mediaType` field says so when present
 * (it is optional in OCI); otherwise the shape does: `manifests` or `layers`.
 */
export function documentKind(bytes: Uint8Array | string, hint?: string): 'manifest' | 'index' {
  const json = JSON.parse(typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8')) as {
    mediaType?: string;
    manifests?: unknown;
    layers?: unknown;
  };
  const type = json.mediaType ?? hint;
  if (isIndexType(type)) return 'index';
  if (isManifestType(type)) return 'manifest';
  if (type !== undefined && type !== '') throw new ManifestError(`unsupported manifest media type: ${type}`);
  if (Array.isArray(json.manifests)) return 'index';
  if (Array.isArray(json.layers)) return 'manifest';
  throw new ManifestError('not an image manifest or index');
}

// #region convert
/** Maps a Docker media type to its OCI twin; OCI types pass unchanged. */
const oci = (mediaType: string): string => dockerToOci[mediaType] ?? mediaType;

/**
 * Parses a manifest, OCI or Docker schema2, into an OCI manifest. For a
 * Docker one, the media types are rewritten: the result is a new document,
 * with a new digest, that names the very same config and layer blobs.
 */
export function parseManifest(bytes: Uint8Array | string): { manifest: OciManifest; converted: boolean } {
  const parsed = parseWith(manifestSchema, bytes, 'image manifest');
  if (parsed.mediaType !== undefined && !isManifestType(parsed.mediaType)) {
    throw new ManifestError(`unsupported manifest media type: ${parsed.mediaType}`);
  }
  const converted = parsed.mediaType === MediaType.dockerManifest;
  if (!converted) return { manifest: { ...parsed, mediaType: MediaType.ociManifest }, converted };
  const manifest: OciManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { ...parsed.config, mediaType: MediaType.ociConfig },
    layers: parsed.layers.map((layer) => ({ ...layer, mediaType: oci(layer.mediaType) })),
  };
  if (parsed.annotations) manifest.annotations = parsed.annotations;
  return { manifest, converted };
}

/** Parses an index, OCI or Docker manifest list, into an OCI index. */
export function parseIndex(bytes: Uint8Array | string): OciIndex {
  const parsed = parseWith(indexSchema, bytes, 'image index');
  return {
    ...parsed,
    mediaType: MediaType.ociIndex,
    manifests: parsed.manifests.map((m) => ({ ...m, mediaType: oci(m.mediaType) })),
  };
}
// #endregion convert

// #region platform
const NODE_ARCH: Readonly<Record<string, string>> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', s390x: 's390x', ppc64: 'ppc64le', riscv64: 'riscv64' };

/** The platform of this machine in OCI's words (Go's GOOS/GOARCH). */
export function hostPlatform(): Platform {
  return { os: 'linux', architecture: NODE_ARCH[process.arch] ?? process.arch };
}

export const platformString = (p: Platform): string =>
  `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;

/** arm64 images are often labelled with variant v8, or none: the same thing. */
const variantOf = (p: Platform): string | undefined =>
  p.architecture === 'arm64' && p.variant === 'v8' ? undefined : p.variant;

/**
 * Picks the manifest for a platform from an index, as `docker pull` does.
 * Entries without a platform (attestations, for one) never match.
 */
export function selectPlatform(index: OciIndex, want: Platform = hostPlatform()): Descriptor {
  const found = index.manifests.find(
    (d) =>
      d.platform !== undefined &&
      isManifestType(d.mediaType) &&
      d.platform.os === want.os &&
      d.platform.architecture === want.architecture &&
      (want.variant === undefined || variantOf(d.platform) === variantOf(want)),
  );
  if (!found) {
    throw new ManifestError(`no matching manifest for ${platformString(want)} in the manifest list entries`);
  }
  return found;
}
// #endregion platform

/** The JSON bytes Skiff writes for a document: compact, as registries store them. */
export const encodeJson = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
