// errors.ts — the registry's errors, in the words of the Distribution Spec.

// #region error-codes
/** The spec's error codes (code-1 … code-14), and a few distribution adds. */
export type ErrorCode =
  | 'BLOB_UNKNOWN' | 'BLOB_UPLOAD_INVALID' | 'BLOB_UPLOAD_UNKNOWN' | 'DIGEST_INVALID'
  | 'MANIFEST_BLOB_UNKNOWN' | 'MANIFEST_INVALID' | 'MANIFEST_UNKNOWN' | 'NAME_INVALID' | 'NAME_UNKNOWN'
  | 'SIZE_INVALID' | 'UNAUTHORIZED' | 'DENIED' | 'UNSUPPORTED' | 'TOOMANYREQUESTS'
  | 'RANGE_INVALID' | 'PAGINATION_NUMBER_INVALID' | 'UNKNOWN';

/** A failure the client is told about: an HTTP status, a code, a message. */
export class RegistryError extends Error {
  override name = 'RegistryError';
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly detail?: unknown,
    /** Headers the answer must carry: `WWW-Authenticate` on a 401. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}
// #endregion error-codes

// #region error-kinds
export const blobUnknown = (digest: string) => new RegistryError(404, 'BLOB_UNKNOWN', 'blob unknown to registry', { digest });
export const uploadUnknown = (id: string) => new RegistryError(404, 'BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry', { id });
export const uploadInvalid = (why: string) => new RegistryError(400, 'BLOB_UPLOAD_INVALID', `blob upload invalid: ${why}`);
export const digestInvalid = (why: string) => new RegistryError(400, 'DIGEST_INVALID', `provided digest did not match uploaded content: ${why}`);
export const manifestUnknown = (reference: string) => new RegistryError(404, 'MANIFEST_UNKNOWN', 'manifest unknown', { reference });
export const manifestInvalid = (why: string) => new RegistryError(400, 'MANIFEST_INVALID', `manifest invalid: ${why}`);
export const manifestBlobUnknown = (digest: string) =>
  new RegistryError(400, 'MANIFEST_BLOB_UNKNOWN', `manifest references a blob unknown to the repository: ${digest}`, { digest });
export const nameInvalid = (name: string) => new RegistryError(400, 'NAME_INVALID', `invalid repository name: ${JSON.stringify(name)}`);
export const nameUnknown = (name: string) => new RegistryError(404, 'NAME_UNKNOWN', 'repository name not known to registry', { name });
export const unsupported = (status: number, why: string) => new RegistryError(status, 'UNSUPPORTED', why);
/** A chunk that does not start where the upload stands (spec: 416 Requested Range Not Satisfiable). */
export const rangeInvalid = (why: string) => new RegistryError(416, 'BLOB_UPLOAD_INVALID', `invalid content range: ${why}`);
// #endregion error-kinds
