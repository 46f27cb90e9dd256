// version.ts — the `/v1.NN` prefix: which API version the client speaks.
//
// The docker CLI pings first, reads the daemon's `Api-Version` header, and
// prefixes every later path with the lower of that and its own version;
// dockerode sends no prefix at all. Both must work. A version outside what
// the daemon supports is refused in moby's words (api/server/middleware/
// version.go), with a 400.

import { InvalidArgumentError } from '../../../../01-namespaces/index.js';

// #region api-versions
/** The version this daemon speaks: docker 28.2's, the 28.x CLI's default. */
export const API_VERSION = '1.50';
/** The oldest version it still answers (moby's MinSupportedAPIVersion). */
export const MIN_API_VERSION = '1.24';
// #endregion api-versions

// #region compare-versions
/** Compares two `major.minor` versions numerically: "1.9" < "1.24". */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
// #endregion compare-versions

// #region strip-version
/** Splits `/v1.50/containers/json` into the version and the path the routes know. */
export function splitVersion(path: string): { version: string; path: string } {
  const m = /^\/v([0-9.]+)(\/.*)?$/.exec(path);
  if (!m) return { version: API_VERSION, path };
  const version = m[1]!;
  if (compareVersions(version, MIN_API_VERSION) < 0) {
    throw new InvalidArgumentError(
      `client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`,
    );
  }
  if (compareVersions(version, API_VERSION) > 0) {
    throw new InvalidArgumentError(`client version ${version} is too new. Maximum supported API version is ${API_VERSION}`);
  }
  return { version, path: m[2] ?? '/' };
}
// #endregion strip-version
