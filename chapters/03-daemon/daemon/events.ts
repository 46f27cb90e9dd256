// events.ts — the daemon's event bus: what happened, to whom, when.
//
// Every change of state the daemon makes (a container created, started,
// died; an image tagged, deleted) is published here once, and `/events`
// subscribers see it as one JSON object. Like moby's daemon/events, the bus
// keeps the last 256 events so that `docker events --since 5m` can replay
// what a new subscriber missed.

import { EventEmitter } from 'node:events';
import type { EventMessage, EventType } from '../api/index.js';

// #region event-bus
/** How many past events are kept for `since` (moby's eventsLimit). */
const HISTORY = 256;

export class Events {
  private readonly history: EventMessage[] = [];
  private readonly bus = new EventEmitter().setMaxListeners(0);

  /** Publishes one event. Container events carry `from` (the image), as moby's do. */
  log(type: EventType, action: string, id: string, attributes: Record<string, string> = {}): EventMessage {
    const nanos = BigInt(Date.now()) * 1_000_000n + process.hrtime.bigint() % 1_000_000n;
    const message: EventMessage = {
      Type: type,
      Action: action,
      Actor: { ID: id, Attributes: attributes },
      scope: 'local',
      time: Number(nanos / 1_000_000_000n),
      timeNano: Number(nanos),
    };
    if (type === 'container' || type === 'image') {
      Object.assign(message, { status: action, id, ...(type === 'container' && attributes.image ? { from: attributes.image } : {}) });
    }
    this.history.push(message);
    if (this.history.length > HISTORY) this.history.shift();
    this.bus.emit('event', message);
    return message;
  }

  /** The kept events, oldest first, and a subscription to the ones to come. */
  subscribe(listener: (message: EventMessage) => void): { past: EventMessage[]; cancel: () => void } {
    this.bus.on('event', listener);
    return { past: [...this.history], cancel: () => this.bus.off('event', listener) };
  }
}
// #endregion event-bus
