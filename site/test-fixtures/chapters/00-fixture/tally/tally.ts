// tally.ts — a fixture for the book's own tests: a section's source file.
//
// It lives in a section folder (tally/, with its own section.mdx), so the
// book's tests can check that a section is a page of its own, after its
// chapter's, and that the listing's region markers link back to it.

// #region tally
/** Counts each word of a text. */
export function tally(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const word of text.split(/\s+/).filter(Boolean)) counts.set(word, (counts.get(word) ?? 0) + 1);
  return counts;
}
// #endregion tally
