// errors.ts — the kinds of error a user of the engine sees.

// #region runtime-error
export class RuntimeError extends Error {
  constructor(
    message: string,
    /** 127: program not found, 126: not executable, as shells do; 1 otherwise. */
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
// #endregion runtime-error

// #region error-kinds
// Three mistakes come up in every layer of the engine: a name that matches
// nothing, a request that clashes with what exists, and input that is
// malformed. Each layer above says them in its own terms (an exit code, an
// HTTP status: 404, 409, 400), so each is a class of its own, and whoever
// catches one asks `instanceof`, never the wording of the message.

/** Nothing has that name or id: an unknown container, image, blob. */
export class NotFoundError extends RuntimeError {}

/** The request clashes with what exists: a name in use, a container still running. */
export class ConflictError extends RuntimeError {}

/** The input itself is wrong, whatever the state: a bad reference, flag or field. */
export class InvalidArgumentError extends RuntimeError {}
// #endregion error-kinds
