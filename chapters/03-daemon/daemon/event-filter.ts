// event-filter.ts — which events a `docker events --filter …` subscriber sees (moby's daemon/events/filter.go).

import type { EventMessage, Filters } from '../api/index.js';

// #region event-matches
export const EVENT_FILTERS = ['container', 'event', 'image', 'label', 'type', 'daemon', 'network', 'volume', 'scope'] as const;

export function eventMatches(message: EventMessage, filters: Filters): boolean {
  const any = (key: string, test: (value: string) => boolean) => {
    const values = filters.get(key);
    return !values || values.length === 0 || values.some(test);
  };
  const attrs = message.Actor.Attributes;
  const action = message.Action.split(':')[0]!;
  const isContainer = message.Type === 'container';
  const isImage = message.Type === 'image';
  return (
    any('type', (v) => v === message.Type) &&
    any('event', (v) => v === action || v === message.Action) &&
    any('scope', (v) => v === message.scope) &&
    any('container', (v) => isContainer && (message.Actor.ID.startsWith(v) || attrs.name === v)) &&
    any('image', (v) => (isImage && (message.Actor.ID === v || message.Actor.ID.startsWith(`sha256:${v}`) || attrs.name === v)) ||
      (isContainer && (attrs.image === v || attrs.image?.split(':')[0] === v))) &&
    any('label', (v) => {
      const eq = v.indexOf('=');
      return eq < 0 ? v in attrs : attrs[v.slice(0, eq)] === v.slice(eq + 1);
    }) &&
    any('daemon', (v) => message.Type === 'daemon' && (message.Actor.ID === v || attrs.name === v)) &&
    any('network', () => message.Type === 'network') &&
    any('volume', (v) => message.Type === 'volume' && message.Actor.ID === v)
  );
}
// #endregion event-matches
