// container-id.ts — the name a container is known by.
//
// The id becomes a directory name under the state root and a cgroup name, so
// it must not contain `/` or start with `.`: the same rule runc applies. A
// branded type makes the compiler remember that a string has been checked.

import { InvalidArgumentError } from './errors.js';

// #region container-id
export type ContainerId = string & { readonly __brand: 'ContainerId' };

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export function isContainerId(value: string): value is ContainerId {
  return ID_PATTERN.test(value) && value.length <= 1024;
}

/** Checks a user-supplied id once, at the edge; everything inside takes ContainerId. */
export function parseContainerId(value: string): ContainerId {
  if (!isContainerId(value)) {
    throw new InvalidArgumentError(`invalid container id ${JSON.stringify(value)}: use letters, digits, "_", "." and "-", starting with a letter or digit`);
  }
  return value;
}
// #endregion container-id
