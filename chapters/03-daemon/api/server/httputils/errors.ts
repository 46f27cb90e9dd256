// errors.ts — from a thrown error to an HTTP status, as moby's errdefs do (GetHTTPErrorStatusCode).

import { ConflictError, InvalidArgumentError, NotFoundError } from '../../../../01-namespaces/index.js';
import {
  ImageConflictError, ImageNotFoundError, ManifestError, NoSuchImageError, ReferenceError,
} from '../../../../02-images/index.js';

// #region status-of
/** A status the handler chose itself: 304 for "already started", say. */
export class HttpStatusError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/**
 * Nothing to do: `start` of a running container, `stop` of a stopped one.
 * moby answers 304 Not Modified, and the docker CLI counts it a success.
 */
export class NotModifiedError extends HttpStatusError {
  constructor(message: string) {
    super(304, message);
  }
}

/** A request the daemon will not carry out on this object: removing the predefined `bridge` network, say (moby's errdefs.Forbidden). */
export class ForbiddenError extends HttpStatusError {
  constructor(message: string) {
    super(403, message);
  }
}

/** The HTTP status for an error, by its kind (never by its wording). */
export function statusOf(err: unknown): number {
  if (err instanceof HttpStatusError) return err.status;
  if (err instanceof NotFoundError || err instanceof NoSuchImageError || err instanceof ImageNotFoundError) return 404;
  if (err instanceof ConflictError || err instanceof ImageConflictError) return 409;
  if (err instanceof InvalidArgumentError || err instanceof ReferenceError || err instanceof ManifestError) return 400;
  return 500;
}
// #endregion status-of

// #region error-body
/** The bytes of an error response: one JSON object, one message. */
export function errorBody(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return JSON.stringify({ message });
}
// #endregion error-body
