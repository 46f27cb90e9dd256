// backend.ts — what the network routes need from the daemon (moby's network.Backend).

import type { Filters } from '../../httputils/query.js';

// #region network-backend
export interface NetworkBackend {
  networkCreate(body: unknown): Promise<{ Id: string; Warning: string }>;
  networkList(filters: Filters): Record<string, unknown>[];
  networkInspect(idOrName: string): Record<string, unknown>;
  networkRemove(idOrName: string): Promise<void>;
  networkPrune(filters: Filters): Promise<{ NetworksDeleted: string[] }>;
  networkConnect(idOrName: string, body: unknown): Promise<void>;
  networkDisconnect(idOrName: string, body: unknown): Promise<void>;
}
// #endregion network-backend
