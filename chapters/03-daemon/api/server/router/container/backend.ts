// backend.ts — what the container routes need from the daemon (moby's container router Backend).

import type { Filters } from '../../httputils/query.js';
import type { WaitCondition, WaitResult } from '../../../types/wait.js';

// #region container-backend
export interface ContainerBackend {
  containerCreate(body: unknown, name: string | null): Promise<{ Id: string; Warnings: string[] }>;
  containerInspect(ref: string): Record<string, unknown>;
  containers(options: { all: boolean; limit: number; size: boolean; filters: Filters }): Promise<Record<string, unknown>[]>;
  containerRm(ref: string, options: { force: boolean; removeVolumes: boolean }): Promise<void>;
  containerRename(ref: string, newName: string): void;
  containersPrune(filters: Filters): Promise<{ ContainersDeleted: string[]; SpaceReclaimed: number }>;
  /** Finds the container at once (so a 404 comes before any header); the wait is the promise it returns. */
  containerWait(ref: string, condition: WaitCondition): { result: Promise<WaitResult> };
}
// #endregion container-backend
