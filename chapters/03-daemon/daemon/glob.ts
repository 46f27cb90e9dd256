// glob.ts — `--filter reference=busy*`: Go's path.Match, which moby uses for it.

// #region glob
/** `*` matches any run of characters but `/`, `?` one such character; the rest is literal. */
export function globMatch(pattern: string, text: string): boolean {
  const source = [...pattern].map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`).test(text);
}
// #endregion glob
