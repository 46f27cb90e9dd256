// backend.ts — what POST /build needs from the daemon (moby's build router Backend).

import type { Readable } from 'node:stream';
import type { JsonMessage } from '../../httputils/json-stream.js';

// #region build-backend
export interface BuildRequest {
  tags: string[];
  /** The Dockerfile's path inside the context. */
  dockerfile: string;
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
  noCache: boolean;
  /** `-q`: no step output, only the image id at the end. */
  quiet: boolean;
  /** Pulls a missing base image, its progress into the build's stream; absent when the daemon has no registry client. */
  pull?: (reference: string, progress: (message: JsonMessage) => void) => Promise<void>;
}

export interface BuildBackend {
  /** Builds from a tar of the context; progress as JSON messages; answers the image id. */
  build(context: Readable, request: BuildRequest, progress: (message: JsonMessage) => void): Promise<string>;
}
// #endregion build-backend
