// challenge.ts — reading a WWW-Authenticate header (RFC 9110 §11.6.1, Docker's token spec).

// #region challenge
export interface Challenge {
  scheme: 'bearer' | 'basic';
  /** `realm`, `service`, `scope`, `error`… as the registry sent them. */
  params: Record<string, string>;
}

/**
 * `Bearer realm="https://auth.example/token",service="registry",scope="repository:a/b:pull"`.
 * Parameter values are quoted strings (with `\"` escapes) or bare tokens.
 */
export function parseChallenge(header: string | undefined): Challenge | undefined {
  const match = /^\s*(\w+)\s*(.*)$/s.exec(header ?? '');
  if (!match) return undefined;
  const scheme = match[1]!.toLowerCase();
  if (scheme !== 'bearer' && scheme !== 'basic') return undefined;
  const params: Record<string, string> = {};
  for (const [, key, quoted, bare] of match[2]!.matchAll(/(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g)) {
    params[key!.toLowerCase()] = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : bare!;
  }
  return { scheme, params };
}
// #endregion challenge
