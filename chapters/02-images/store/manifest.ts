// manifest.ts — the three JSON documents that make an image.
//
// OCI image-spec: a *manifest* (`manifest.md`) lists one config blob and the
// layer blobs, in order; an *index* (`image-index.md`) lists manifests, one
// per platform; the *config* (`config.md`) holds what runs (Cmd, Env, ...) and
// `rootfs.diff_ids`, the digests of the layers uncompressed. Docker's schema2
// manifest and manifest list have the same shape under other media types, so
// they are accepted and rewritten as OCI ones.

import { z } from 'zod';
import { isDigest, type Digest } from './digest.js';
import { MediaType, dockerToOci, isIndexType, isManifestType } from './media-types.js';

// #region types
const digest = z.string().refine(isDigest, 'not a sha256 digest') as unknown as z.ZodType<Digest>;

const platformSchema = z.looseObject({
  architecture: z.string(),
  os: z.string(),
  variant: z.string().optional(),
  'os.version': z.string().optional(),
  'os.features': z.array(z.string()).optional(),
});

/** A pointer to a blob: what it is, its digest, its size (image-spec `descriptor.md`). */
const descriptorSchema = z.looseObject({
  mediaType: z.string(),
  digest,
  size: z.number().int().nonnegative(),
  urls: z.array(z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  platform: platformSchema.optional(),
});

const manifestSchema = z.looseObject({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  config: descriptorSchema,
  layers: z.array(descriptorSchema),
  annotations: z.record(z.string(), z.string()).optional(),
});

const indexSchema = z.looseObject({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  manifests: z.array(descriptorSchema),
  annotations: z.record(z.string(), z.string()).optional(),
});

/** The part of the config a container runs with; Docker names, OCI `config.md`. */
const containerConfigSchema = z.looseObject({
  User: z.string().optional(),
  ExposedPorts: z.record(z.string(), z.object({})).nullish(),
  Env: z.array(z.string()).nullish(),
  Entrypoint: z.array(z.string()).nullish(),
  Cmd: z.array(z.string()).nullish(),
  Volumes: z.record(z.string(), z.object({})).nullish(),
  WorkingDir: z.string().optional(),
  Labels: z.record(z.string(), z.string()).nullish(),
  StopSignal: z.string().optional(),
  // Docker's own keys (moby `api/types/container` Config), which OCI readers pass over:
  // the healthcheck (durations in nanoseconds), ONBUILD triggers, and the SHELL for shell forms.
  Healthcheck: z.looseObject({
    Test: z.array(z.string()).optional(),
    Interval: z.number().optional(),
    Timeout: z.number().optional(),
    StartPeriod: z.number().optional(),
    Retries: z.number().optional(),
  }).nullish(),
  OnBuild: z.array(z.string()).nullish(),
  Shell: z.array(z.string()).nullish(),
});

const historySchema = z.looseObject({
  created: z.string().optional(),
  created_by: z.string().optional(),
  author: z.string().optional(),
  comment: z.string().optional(),
  empty_layer: z.boolean().optional(),
});

const imageConfigSchema = z.looseObject({
  created: z.string().optional(),
  author: z.string().optional(),
  architecture: z.string(),
  os: z.string(),
  variant: z.string().optional(),
  config: containerConfigSchema.nullish(),
  rootfs: z.object({ type: z.literal('layers'), diff_ids: z.array(digest) }),
  history: z.array(historySchema).optional(),
});

export type Platform = z.infer<typeof platformSchema>;
export type Descriptor = z.infer<typeof descriptorSchema>;
export type OciManifest = z.infer<typeof manifestSchema>;
export type OciIndex = z.infer<typeof indexSchema>;
export type ContainerConfig = z.infer<typeof containerConfigSchema>;
export type HistoryEntry = z.infer<typeof historySchema>;
export type OciImageConfig = z.infer<typeof imageConfigSchema>;
// #endregion types

/** A document that did not parse or has the wrong shape. */
export class ManifestError extends Error {
  override name = 'ManifestError';
}

function parseWith<T>(schema: z.ZodType<T>, bytes: Uint8Array | string, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new ManifestError(`invalid ${what}: ${(err as Error).message}`);
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ManifestError(`invalid ${what}: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  return result.data;
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

/** Parses `linux/arm64/v8` into a platform. */
export function parsePlatform(s: string): Platform {
  const [os, architecture, variant] = s.split('/');
  if (!os || !architecture) throw new ManifestError(`invalid platform: ${s} (want os/arch[/variant])`);
  return variant ? { os, architecture, variant } : { os, architecture };
}

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
