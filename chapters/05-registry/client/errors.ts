// errors.ts — what can go wrong talking to a registry, by kind.

import type { IncomingMessage } from 'node:http';
import { readAll } from './http.js';

// #region client-errors
/**
 * A registry's refusal: its status and the spec's error code. The message
 * is the one docker prints, the code's words then the registry's
 * (`manifest unknown: manifest unknown`, `denied: requested access to the resource is denied`).
 */
export class RemoteError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

/** No endpoint of a registry answered at all. */
export class UnreachableError extends Error {}

/** Bytes that did not hash to the digest that named them: nothing was committed. */
export class VerificationError extends Error {}

/** Reads an error response (`{"errors":[{code,message}]}`, or anything else) into a RemoteError. */
export async function remoteError(res: IncomingMessage, doing: string): Promise<RemoteError> {
  const text = (await readAll(res).catch(() => Buffer.alloc(0))).toString('utf8');
  let code = 'UNKNOWN';
  let message = text.trim().slice(0, 200) || `${res.statusCode} ${res.statusMessage ?? ''}`.trim();
  try {
    const first = (JSON.parse(text) as { errors?: { code?: string; message?: string }[] }).errors?.[0];
    if (first?.code) {
      code = first.code;
      message = `${first.code.toLowerCase().replace(/_/g, ' ')}: ${first.message ?? ''}`;
    }
  } catch {
    // not JSON: a proxy's page, say; its first line is the message
  }
  return new RemoteError(res.statusCode ?? 0, code, `${doing}: ${message}`);
}
// #endregion client-errors
