// container-id.ts — the name a container is known by, checked once at the edge.

import { RuntimeError } from './errors.js';

// #region container-id
export type ContainerId = string & { readonly __brand: 'ContainerId' };

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export function isContainerId(value: string): value is ContainerId {
  return ID_PATTERN.test(value) && value.length <= 1024;
}

/** Checks a user-supplied id once, at the edge; everything inside takes ContainerId. */
export function parseContainerId(value: string): ContainerId {
  if (!isContainerId(value)) {
    throw new RuntimeError(`invalid container id ${JSON.stringify(value)}: use letters, digits, "_", "." and "-", starting with a letter or digit`);
  }
  return value;
}
// #endregion container-id
