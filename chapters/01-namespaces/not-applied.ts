// not-applied.ts — config.json fields this runtime does not apply, refused rather than ignored.

import * as v from 'valibot';

// #region not-applied
/**
 * Whether a field says nothing: absent, null, an empty string, false, an
 * empty list or object. Such a value asks for the default, which is what
 * a runtime that does not apply the field gives anyway.
 */
function saysNothing(value: unknown): boolean {
  if (value === undefined || value === null || value === '' || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

/**
 * A field of the runtime spec that skiff-runtime does not apply. Left
 * empty, it is accepted; set, it is refused with `why`, which the
 * validation prefixes with the field's path: one line, before anything is
 * created. Reading it and carrying on would run the container without what
 * its author asked for (an AppArmor profile, a kernel personality...), and
 * nobody would know.
 */
export function notApplied(why: string) {
  return v.optional(v.pipe(v.unknown(), v.check(saysNothing, `${why}; skiff-runtime refuses it rather than ignore it`)));
}
// #endregion not-applied
