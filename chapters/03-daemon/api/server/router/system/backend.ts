// backend.ts — what the system routes need from the daemon (moby's system.Backend).

import type { EventMessage } from '../../../../daemon/events.js';

// #region system-backend
export interface SystemBackend {
  /** `GET /info`: counts, storage, kernel, limits the daemon can apply. */
  systemInfo(): Promise<Record<string, unknown>>;
  /** `GET /version`. */
  systemVersion(): Record<string, unknown>;
  /** `GET /system/df`: images, containers and their sizes. */
  systemDiskUsage(): Promise<Record<string, unknown>>;
  /** The kept events and a live subscription, for `GET /events`. */
  subscribeToEvents(listener: (message: EventMessage) => void): { past: EventMessage[]; cancel: () => void };
}
// #endregion system-backend
