// events.ts — one event on the wire, as `GET /events` streams it (moby's api/types/events).

// #region event-message
export type EventType = 'container' | 'image' | 'daemon' | 'network' | 'volume';

/** moby's events.Message, with the deprecated `status`/`id`/`from` fields older clients read. */
export interface EventMessage {
  status?: string;
  id?: string;
  from?: string;
  Type: EventType;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  time: number;
  timeNano: number;
}
// #endregion event-message
