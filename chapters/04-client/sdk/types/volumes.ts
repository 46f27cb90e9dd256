// volumes.ts — the shapes of volumes on the wire (swagger, API 1.50; see containers.ts).

// #region volume
/** One volume. @schema GET /volumes/{name} 200 */
export interface Volume {
  Name: string;
  /** `local`, or a plugin's name. */
  Driver: string;
  /** Where the volume's data lies on the daemon's host. */
  Mountpoint: string;
  /** RFC 3339. */
  CreatedAt?: string;
  Status?: Record<string, Record<string, unknown>> | null;
  Labels: Record<string, string> | null;
  Scope: string;
  /** The driver options it was created with (`type`, `device`, `o` for the local driver). */
  Options: Record<string, string> | null;
  /** Only from `GET /system/df`: bytes used, and how many containers use it (-1: not computed). */
  UsageData?: { Size: number; RefCount: number } | null;
}

/** `docker volume create`'s request. @schema POST /volumes/create body */
export interface VolumeCreateRequest {
  /** Empty: the daemon makes up a name (64 hex digits). */
  Name?: string;
  Driver?: string;
  DriverOpts?: Record<string, string>;
  Labels?: Record<string, string>;
}

/** @schema GET /volumes 200 */
export interface VolumeListResponse {
  Volumes: Volume[] | null;
  Warnings: string[] | null;
}

/** @schema POST /volumes/prune 200 */
export interface VolumePruneResponse {
  VolumesDeleted: string[] | null;
  SpaceReclaimed: number;
}
// #endregion volume
