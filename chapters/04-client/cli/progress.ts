// progress.ts — a progress stream on the screen: bars on a terminal, plain lines elsewhere.
//
// The docker CLI's jsonmessage.DisplayJSONMessagesStream: each message is
// `ID: status`, build output is printed as it comes, and a message carrying
// a progress bar is drawn over its own line on a terminal (ANSI cursor
// movement, one line per layer id) but left out when the output is a file
// or a pipe, where a bar would only be noise.

import type { JsonMessage } from '../sdk/index.js';

// #region display-messages
/** Prints progress messages to `out` as they come; resolves with every `aux` payload seen. */
export async function displayMessages(messages: AsyncIterable<JsonMessage>, out: { write(text: string): unknown; isTTY?: boolean }): Promise<Record<string, unknown>[]> {
  const terminal = out.isTTY === true && !process.env.NO_COLOR_PROGRESS;
  const lines = new Map<string, number>();
  const aux: Record<string, unknown>[] = [];
  for await (const m of messages) {
    if (m.aux) {
      aux.push(m.aux);
      continue;
    }
    const hasBar = (m.progressDetail?.current ?? 0) > 0 || (m.progressDetail?.total ?? 0) > 0;
    if (m.stream !== undefined) {
      out.write(m.stream);
      continue;
    }
    if (hasBar && !terminal) continue;
    const text = `${m.id ? `${m.id}: ` : ''}${m.status ?? ''}${hasBar && m.progress ? ` ${m.progress}` : ''}`;
    if (terminal && m.id) {
      // Rewrite the id's own line: move up to it, clear it, write, come back down.
      if (!lines.has(m.id)) {
        lines.set(m.id, lines.size);
        out.write(`${text}\n`);
      } else {
        const up = lines.size - lines.get(m.id)!;
        out.write(`\x1b[${up}A\x1b[2K\r${text}\x1b[${up}B\r`);
      }
    } else {
      lines.clear();
      out.write(`${text}\n`);
    }
  }
  return aux;
}
// #endregion display-messages
