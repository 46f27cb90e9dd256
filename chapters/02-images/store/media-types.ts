// media-types.ts — what a blob is, said in its descriptor (image-spec `media-types.md`).

// #region media-types
export const MediaType = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  ociLayerNondistributable: 'application/vnd.oci.image.layer.nondistributable.v1.tar',
  ociLayerNondistributableGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',

  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerLayerForeign: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
} as const;

/** Docker media types and the OCI ones they became (image-spec `media-types.md`, "Compatibility Matrix"). */
export const dockerToOci: Readonly<Record<string, string>> = {
  [MediaType.dockerManifest]: MediaType.ociManifest,
  [MediaType.dockerManifestList]: MediaType.ociIndex,
  [MediaType.dockerConfig]: MediaType.ociConfig,
  [MediaType.dockerLayer]: MediaType.ociLayer,
  [MediaType.dockerLayerGzip]: MediaType.ociLayerGzip,
  [MediaType.dockerLayerForeign]: MediaType.ociLayerNondistributableGzip,
};
// #endregion media-types

// #region document-kinds
export const isManifestType = (t: string | undefined): boolean =>
  t === MediaType.ociManifest || t === MediaType.dockerManifest;

export const isIndexType = (t: string | undefined): boolean =>
  t === MediaType.ociIndex || t === MediaType.dockerManifestList;
// #endregion document-kinds

/** The layer media types Skiff can unpack: plain or gzip tar, OCI or Docker. */
export const isLayerType = (t: string): boolean =>
  [
    MediaType.ociLayer,
    MediaType.ociLayerGzip,
    MediaType.ociLayerZstd,
    MediaType.ociLayerNondistributable,
    MediaType.ociLayerNondistributableGzip,
    MediaType.dockerLayer,
    MediaType.dockerLayerGzip,
    MediaType.dockerLayerForeign,
  ].includes(t as never);
