// backend.ts — what the volume routes need from the daemon (moby's volume router Backend).

import type { VolumeCreateBody } from '../../../types/volume.js';
import type { Filters } from '../../httputils/query.js';

// #region volume-backend
/** One volume as `docker volume inspect` shows it (moby's volume.Volume). */
export interface VolumeView {
  Name: string;
  Driver: string;
  Mountpoint: string;
  CreatedAt: string;
  Labels: Record<string, string> | null;
  Options: Record<string, string> | null;
  Scope: 'local';
  UsageData?: { Size: number; RefCount: number };
}

export interface VolumeBackend {
  /** Filters `dangling`, `driver`, `label`, `name`; any other is refused. */
  volumesList(filters: Filters): VolumeView[];
  volumeInspect(name: string): VolumeView;
  /** A name already taken answers with that volume, as Docker's does. */
  volumeCreate(body: VolumeCreateBody): VolumeView;
  /** `force` removes no volume in use; it only makes an unknown name no error. */
  volumeRm(name: string, force: boolean): void;
  /** Unused volumes: only anonymous ones unless the filter says `all=true`. */
  volumesPrune(filters: Filters): { VolumesDeleted: string[]; SpaceReclaimed: number };
}
// #endregion volume-backend
