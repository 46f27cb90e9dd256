// backend.ts — what the system routes need from the daemon (moby's system.Backend).

import type { EventMessage } from '../../../types/events.js';
import type { Filters } from '../../httputils/query.js';

// #region system-backend
/** Which events a subscriber wants: `since`/`until` in nanoseconds, and `--filter`s. */
export interface EventQuery {
  since?: number;
  until?: number;
  filters: Filters;
}

export interface SystemBackend {
  /** `GET /info`: counts, storage, kernel, limits the daemon can apply. */
  systemInfo(): Promise<Record<string, unknown>>;
  /** `GET /version`. */
  systemVersion(): Record<string, unknown>;
  /** `GET /system/df`: images, containers and their sizes. */
  systemDiskUsage(): Promise<Record<string, unknown>>;
  /**
   * The kept events that match, and a live subscription to those to come
   * (moby's SubscribeToEvents). A filter it does not know is refused here,
   * before the route has sent anything.
   */
  subscribeToEvents(query: EventQuery, listener: (message: EventMessage) => void): { past: EventMessage[]; cancel: () => void };
}
// #endregion system-backend
