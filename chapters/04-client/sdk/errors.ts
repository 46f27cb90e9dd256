// errors.ts — what can go wrong talking to an engine, as classes to catch
// (the body is swagger's `ErrorResponse`).

// #region engine-error
/** The daemon answered with an error status; `message` is its own words. */
export class EngineError extends Error {
  constructor(
    message: string,
    /** The HTTP status the daemon answered with (400…599). */
    readonly status: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 400: the request itself is wrong (a bad parameter, a malformed filter). */
export class BadRequestError extends EngineError {}
/** 401: the registry or daemon refused the credentials. */
export class UnauthorizedError extends EngineError {}
/** 404: no container, image or exec has that name or id. */
export class NotFoundError extends EngineError {}
/** 409: the request clashes with the state: a name in use, a container not running. */
export class ConflictError extends EngineError {}
/** 5xx: the daemon failed to do what it was asked. */
export class ServerError extends EngineError {}

/** The class for a status, so that `instanceof` says what happened. */
export function errorForStatus(status: number, message: string): EngineError {
  const Kind =
    status === 400 ? BadRequestError
    : status === 401 ? UnauthorizedError
    : status === 404 ? NotFoundError
    : status === 409 ? ConflictError
    : status >= 500 ? ServerError
    : EngineError;
  return new Kind(message, status);
}
// #endregion engine-error

// #region connection-error
/** Nothing answered at the daemon's address: no socket, refused, or not an Engine API. */
export class ConnectionError extends Error {
  constructor(
    /** The address tried, as the user wrote it: `unix:///run/skiff/skiffd.sock`. */
    readonly host: string,
    /** The system's reason (ENOENT, ECONNREFUSED…). */
    override readonly cause: Error,
  ) {
    super(`Cannot connect to the Skiff daemon at ${host}. Is skiffd running?`);
    this.name = 'ConnectionError';
  }
}

/**
 * An error reported inside a stream that had already started with 200:
 * a build step that failed, a pull that found no manifest. The daemon can
 * no longer change the status, so it sends `{"errorDetail": …}` instead.
 */
export class StreamError extends Error {
  constructor(message: string, readonly code?: number) {
    super(message);
    this.name = 'StreamError';
  }
}
// #endregion connection-error
