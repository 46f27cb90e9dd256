// images.ts — the shapes of images on the wire (swagger, API 1.50; see containers.ts).

// #region image-summary
/** One row of `GET /images/json`. @schema GET /images/json 200 items */
export interface ImageSummary {
  /** `sha256:…`, the digest of the image's config. */
  Id: string;
  ParentId: string;
  /** `name:tag` references; `["<none>:<none>"]` or empty for an untagged image. */
  RepoTags: string[] | null;
  RepoDigests: string[] | null;
  /** Seconds since the epoch. */
  Created: number;
  Size: number;
  SharedSize: number;
  Labels: Record<string, string> | null;
  Containers: number;
}
// #endregion image-summary

// #region image-inspect
/** Everything the daemon knows of one image. @schema GET /images/{name}/json 200 */
export interface ImageInspect {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  Parent?: string;
  Comment?: string;
  /** RFC 3339. */
  Created?: string;
  DockerVersion?: string;
  Author?: string;
  Config?: ImageConfig;
  Architecture: string;
  Variant?: string;
  Os: string;
  Size: number;
  RootFS: { Type: string; Layers?: string[] };
  Metadata?: { LastTagTime?: string | null };
}

/** What an image proposes to run: the part of ContainerConfig an image carries (swagger `ImageConfig`). */
export interface ImageConfig {
  User?: string;
  ExposedPorts?: Record<string, Record<string, never>> | null;
  Env?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, Record<string, never>> | null;
  WorkingDir?: string;
  Entrypoint?: string[] | null;
  OnBuild?: string[] | null;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  Shell?: string[] | null;
}

// #endregion image-inspect

// #region image-results
/** One layer of an image's history. @schema GET /images/{name}/history 200 items */
export interface ImageHistoryItem {
  /** The layer's image id, or `<missing>` for a layer that came with a pulled or loaded image. */
  Id: string;
  Created: number;
  CreatedBy: string;
  Tags: string[] | null;
  Size: number;
  Comment: string;
}

/** What `rmi` did: one entry per untagged name and per deleted image or layer. @schema DELETE /images/{name} 200 items */
export interface ImageDeleteResponseItem {
  Untagged?: string;
  Deleted?: string;
}

/** @schema POST /images/prune 200 */
export interface ImagePruneResponse {
  ImagesDeleted: ImageDeleteResponseItem[] | null;
  SpaceReclaimed: number;
}
// #endregion image-results
