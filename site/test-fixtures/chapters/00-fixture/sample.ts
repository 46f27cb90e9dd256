// sample.ts — a fixture for the book's own tests.
//
// It exists so the site can be built and checked before the real chapters
// have prose: it has regions, a nested region, and comments that the
// annotated listing renders as prose (`pivot_root` is named here so the
// search test has something to find).

import { createHash } from 'node:crypto';

// #region greet
/** Says hello, the way every first program does. */
export function greet(name: string): string {
  // #region body
  const greeting = `hello, ${name}`;
  // #endregion body
  return greeting;
}
// #endregion greet

// The hash below is only here to give the file a second section of prose
// and code, like a real chapter source would have.

// #region hash
export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}
// #endregion hash
