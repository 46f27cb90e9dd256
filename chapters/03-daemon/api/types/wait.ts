// wait.ts — what `POST /containers/{id}/wait` asks for and answers.

// #region wait-types
/** `not-running` (the default), `next-exit`, or `removed` (what `docker run --rm` waits for). */
export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

/** The body of the answer: the exit code, and an error if waiting failed. */
export interface WaitResult {
  StatusCode: number;
  Error: { Message: string } | null;
}
// #endregion wait-types
