// names-generator.ts — a name for a container nobody named, in Docker's style.

import { randomInt } from 'node:crypto';

// #region names-generator
const LEFT = ['admiring', 'brave', 'calm', 'eager', 'gentle', 'jolly', 'keen', 'lucid', 'quiet', 'sharp', 'swift', 'tidy', 'witty', 'zen'];
const RIGHT = ['bligh', 'cook', 'drake', 'earhart', 'hopper', 'magellan', 'nansen', 'shackleton', 'slocum', 'tasman', 'vespucci', 'zheng'];

/** `adjective_surname`, with a digit added if the plain one is taken (moby pkg/namesgenerator). */
export function generateName(taken: (name: string) => boolean): string {
  for (let attempt = 0; ; attempt++) {
    const name = `${LEFT[randomInt(LEFT.length)]}_${RIGHT[randomInt(RIGHT.length)]}${attempt > 10 ? randomInt(10) : ''}`;
    if (!taken(name)) return name;
  }
}
// #endregion names-generator
